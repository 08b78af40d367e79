/*
 * Stand-in for include/linux/export.h: symbol exports.
 * Routes to: nothing; everything is linked into one program. The macro
 * re-declares the symbol so the `;` after it stays a declaration.
 */
#ifndef ATSLAB_LINUX_EXPORT_H
#define ATSLAB_LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym) extern __typeof__(sym) sym
#define EXPORT_SYMBOL_GPL(sym) extern __typeof__(sym) sym

#endif
