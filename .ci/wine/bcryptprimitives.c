/*
 * TEST-ONLY stand-in for bcryptprimitives.dll, which Wine 8.0 lacks: Go
 * 1.24+ gets its random bytes from ProcessPrng there and dies at start
 * without it. Built into a throwaway Wine prefix by .ci/wine-test.sh and
 * never shipped (the test asserts it is in neither the zip nor the MSI).
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* advapi32's RtlGenRandom */

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
