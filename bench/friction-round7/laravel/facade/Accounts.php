<?php

namespace App\Facades;

use App\Services\AccountService;
use Illuminate\Support\Facades\Facade;

/**
 * @method static int purgeAll()
 */
class Accounts extends Facade
{
    protected static function getFacadeAccessor(): string
    {
        return AccountService::class;
    }
}
