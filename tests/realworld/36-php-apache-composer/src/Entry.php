<?php
namespace App;

final class Entry
{
    public function __construct(public string $author, public string $text) {}
}
