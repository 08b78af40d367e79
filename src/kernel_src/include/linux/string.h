/*
 * Stand-in for include/linux/string.h.
 * Routes to: GCC's builtins (which call the C library when not inlined).
 */
#ifndef ATSLAB_LINUX_STRING_H
#define ATSLAB_LINUX_STRING_H

#define memset(s, c, n) __builtin_memset(s, c, n)
#define memcpy(d, s, n) __builtin_memcpy(d, s, n)
#define memcmp(a, b, n) __builtin_memcmp(a, b, n)
#define strcmp(a, b) __builtin_strcmp(a, b)
#define strlen(s) __builtin_strlen(s)

#endif
