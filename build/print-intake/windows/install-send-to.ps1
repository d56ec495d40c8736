# Adds "Faxbot Desktop (fax)" to Explorer's right-click > Send to menu for the current user (no admin).
# The chosen files arrive as command-line arguments; a running app receives them through its
# single-instance lock (`second-instance`) and opens Send with them attached.
# Usage: powershell -ExecutionPolicy Bypass -File install-send-to.ps1 [-AppPath "C:\Program Files\Faxbot Desktop\Faxbot Desktop.exe"]
param(
  [string]$AppPath = (Join-Path $env:ProgramFiles 'Faxbot Desktop\Faxbot Desktop.exe')
)
$ErrorActionPreference = 'Stop'
if (-not (Test-Path -LiteralPath $AppPath)) { throw "Faxbot Desktop not found at $AppPath" }
$sendTo = [Environment]::GetFolderPath('SendTo')
$shell = New-Object -ComObject WScript.Shell
$link = $shell.CreateShortcut((Join-Path $sendTo 'Faxbot Desktop (fax).lnk'))
$link.TargetPath = $AppPath
$link.IconLocation = "$AppPath,0"
$link.Description = 'Fax with Faxbot Desktop'
$link.Save()
Write-Output "Added 'Faxbot Desktop (fax)' to Send to."
