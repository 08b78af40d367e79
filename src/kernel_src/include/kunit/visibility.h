/*
 * Stand-in for include/kunit/visibility.h.
 * Routes to: nothing (CONFIG_KUNIT is off); the symbols stay static.
 */
#ifndef ATSLAB_KUNIT_VISIBILITY_H
#define ATSLAB_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT static
#define EXPORT_SYMBOL_IF_KUNIT(symbol) extern int atslab_kunit_export

#endif
