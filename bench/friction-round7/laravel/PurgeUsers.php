<?php

namespace App\Console\Commands;

use App\Facades\Accounts;
use Illuminate\Console\Command;

class PurgeUsers extends Command
{
    protected $signature = 'app:purge-users';

    protected $description = 'Remove every user account';

    public function handle(): void
    {
        Accounts::purgeAll();
        $this->info('done');
    }
}
