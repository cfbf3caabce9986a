// Package winclip puts a secret on the Windows clipboard so that it stays
// out of clipboard history (Win+V), cloud clipboard sync and clipboard
// monitors: with the text go the registered formats Windows documents for
// that, in the same clipboard update, so nothing sees the text unmarked.
// It exists on Windows only; the GUI copies plainly elsewhere.
package winclip
