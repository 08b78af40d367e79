/*
 * Stand-in for include/linux/irqreturn.h.
 * Routes to: constants.
 */
#ifndef ATSLAB_LINUX_IRQRETURN_H
#define ATSLAB_LINUX_IRQRETURN_H

typedef enum irqreturn {
	IRQ_NONE = 0,
	IRQ_HANDLED = 1,
	IRQ_WAKE_THREAD = 2,
} irqreturn_t;

#endif
