/*
 * Stand-in for include/linux/irqflags.h.
 * Routes to: nothing; the simulation takes no interrupts, so a section with
 * interrupts off is any section.
 */
#ifndef ATSLAB_LINUX_IRQFLAGS_H
#define ATSLAB_LINUX_IRQFLAGS_H

#define local_irq_save(flags) ((flags) = 0)
#define local_irq_restore(flags) ((void)(flags))
#define local_irq_disable() do { } while (0)
#define local_irq_enable() do { } while (0)

#endif
