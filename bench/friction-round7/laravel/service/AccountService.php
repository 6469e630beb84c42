<?php

namespace App\Services;

use App\Models\User;

class AccountService
{
    public function purgeAll(): int
    {
        return User::query()->delete();
    }
}
