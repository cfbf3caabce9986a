/*
 * TEST-ONLY "planted" DLL for .ci/wine-test.sh: copied beside the program
 * under a name the GUI toolkit loads by bare name at start (GLFW's
 * xinput1_4.dll, OpenGL's opengl32.dll), it writes a marker file when
 * loaded. The marker must not appear: the program looks in System32 only
 * (internal/safedll; opengl32.dll is delay-loaded, .ci/windows.sh). It
 * exports the one OpenGL function the program imports, so a program that
 * imported opengl32.dll at load time would load it and leave the marker
 * rather than fail to start.
 */
/* Declared by windows.h as imported; defined here as exported. */
#define wglGetProcAddress planted_wglGetProcAddress_decl
#include <windows.h>
#undef wglGetProcAddress

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

__declspec(dllexport) PROC WINAPI wglGetProcAddress(LPCSTR name)
{
    (void)name;
    return NULL;
}
