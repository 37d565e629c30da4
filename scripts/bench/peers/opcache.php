<?php
// Asked once by bench.py (never during a measurement) to prove that opcache is on and holds host.php.
header('Content-Type: application/json');
$status = opcache_get_status(true);
echo json_encode([
    'enabled' => is_array($status) && $status['opcache_enabled'],
    'scripts' => is_array($status) ? array_keys($status['scripts']) : [],
]);
