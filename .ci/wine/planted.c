/*
 * TEST-ONLY "planted" DLL for .ci/wine-test.sh: copied beside the program
 * under a name the GUI toolkit loads by bare name at start (GLFW's
 * xinput1_4.dll), it writes a marker file when loaded. The marker must not
 * appear: the program looks in System32 only (internal/safedll).
 */
#include <windows.h>

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        HANDLE f = CreateFileA("C:\\planted-dll-loaded.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (f != INVALID_HANDLE_VALUE)
            CloseHandle(f);
    }
    return TRUE;
}
