/* Test-only shim for running mailflow.exe under Wine 8.0; NEVER shipped.
 *
 * Rust's standard library on Windows takes its random bytes (HashMap seeds) from
 * ProcessPrng in bcryptprimitives.dll, which Windows 10 and later have and Wine 8.0 lacks.
 * This DLL, placed beside the .exe only in dist/test-windows.sh's scratch folder, provides
 * ProcessPrng on top of BCryptGenRandom, which Wine implements. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
