<?php

namespace App\Console\Commands;

use Illuminate\Console\Command;

class ResetDemo extends Command
{
    protected $signature = 'app:reset-demo {--seed : Seed after the reset}';

    protected $description = 'Reset the demo database';

    protected $aliases = ['demo:reset'];

    public function handle(): int
    {
        $this->call('migrate:fresh', ['--seed' => true, '--force' => true]);

        return self::SUCCESS;
    }
}
