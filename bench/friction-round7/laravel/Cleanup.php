<?php

namespace App\Console\Commands;

use Illuminate\Console\Command;
use Illuminate\Support\Facades\Cache;

class Cleanup extends Command
{
    protected $signature = 'app:cleanup';

    protected $description = 'Clear caches';

    public function handle(): void
    {
        Cache::flush();
        $this->call('view:clear');
    }
}
