// Package safedll narrows where Windows looks for DLLs that the program
// loads by name at run time, so a DLL planted next to the program (say in
// Downloads, beside the unzipped halo-assistant.exe) is not picked up. main
// imports it first, for its init alone; on other systems it does nothing.
//
// Its init calls SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32):
// every later LoadLibrary by bare name — GLFW's opengl32, dinput8, xinput,
// dwmapi and shcore, Go's syscall.LazyDLL, anything cgo code loads — then
// looks in System32 only. The application directory is left out on purpose:
// the program ships no DLL of its own, so nothing needs it.
//
// What it cannot cover:
//   - DLLs in the import table (kernel32, user32, gdi32, and for the desktop
//     app opengl32): the Windows loader resolves them before any code runs.
//     KnownDLLs (kernel32, user32, gdi32, …) always come from System32;
//     opengl32.dll is not one, so the desktop app still loads a planted one
//     from its own folder. The console twin (halo-assistant.com) is built
//     without the GUI toolkit and does not import it at all.
//   - The Go runtime's own loads before package init (winmm, ws2_32,
//     bcryptprimitives, powrprof, …): it already asks for System32 only.
//   - Package inits that run before this one: Go initialises ready packages
//     in import-path order, so the standard library (System32-only loads),
//     fyne.io/… and github.com/a…–github.com/h… may come first. By reading,
//     none of them loads a DLL in its init: GLFW loads its DLLs when the
//     window opens, which the Wine test covers by planting xinput1_4.dll.
package safedll
