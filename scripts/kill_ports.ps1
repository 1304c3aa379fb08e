# Frees Dermis's fixed ports on Windows (hub 8000, Postgres 5432, MinIO 9000/9001):
# shows the processes listening on them, asks, then stops only those.
# Usage: powershell -ExecutionPolicy Bypass -File scripts\kill_ports.ps1 [-Yes] [-Ports 8000,5432]
param(
    [int[]]$Ports = @(8000, 5432, 9000, 9001),
    [switch]$Yes
)
$ErrorActionPreference = "Stop"

$victims = @{}
foreach ($port in $Ports) {
    $listeners = Get-NetTCPConnection -State Listen -LocalPort $port -ErrorAction SilentlyContinue
    foreach ($l in $listeners) {
        $proc = Get-Process -Id $l.OwningProcess -ErrorAction SilentlyContinue
        $name = if ($proc) { $proc.Path } else { "?" }
        Write-Host ("port {0}: pid {1}  {2}" -f $port, $l.OwningProcess, $name)
        $victims[$l.OwningProcess] = $true
    }
}
if ($victims.Count -eq 0) {
    Write-Host ("ports {0}: nothing is listening" -f ($Ports -join ", "))
    exit 0
}
if (-not $Yes) {
    $answer = Read-Host "stop these processes? [y/N]"
    if ($answer -notin @("y", "Y", "yes")) { Write-Host "nothing stopped"; exit 1 }
}
foreach ($processId in $victims.Keys) {
    try {
        Stop-Process -Id $processId -ErrorAction Stop
        Wait-Process -Id $processId -Timeout 5 -ErrorAction SilentlyContinue
        if (Get-Process -Id $processId -ErrorAction SilentlyContinue) {
            Stop-Process -Id $processId -Force
            Write-Host "killed $processId"
        } else {
            Write-Host "stopped $processId"
        }
    } catch {
        Write-Host ("could not stop {0}: {1}" -f $processId, $_.Exception.Message)
    }
}
