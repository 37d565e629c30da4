<?php
// The PHP-FPM peer of `make bench`: /dev/host's JSON as FCGIApp answers it. IMAGE and HOSTNAME come from
// the pool's env[] (php-fpm.conf.template), read once per request as FCGIApp reads them once at start.
// Milliseconds are truncated, as FCGIApp (and JavaScript's toISOString) do.
$now = microtime(true);
$seconds = (int) $now;
header('Content-Type: application/json');
echo json_encode(
    [
        'message' => 'Request handled by backend at ' . gmdate('Y-m-d\TH:i:s', $seconds)
            . sprintf('.%03dZ', (int) (($now - $seconds) * 1000)),
        'imageUri' => getenv('IMAGE'),
        'hostname' => getenv('HOSTNAME'),
    ],
    JSON_UNESCAPED_SLASHES
);
