/*
 * Stand-in for include/linux/interrupt.h: interrupt handlers.
 * Routes to: atslab_request_irq, which keeps the handler so the glue can run
 * it where the hardware would raise the line (not yet: no SMMU interrupt is
 * modelled, and the model's machine gives the SMMU no wired interrupts).
 */
#ifndef ATSLAB_LINUX_INTERRUPT_H
#define ATSLAB_LINUX_INTERRUPT_H

#include <atslab/smmu_abi.h>
#include <linux/device.h>
#include <linux/irqreturn.h>

typedef irqreturn_t (*irq_handler_t)(int, void *);

#define IRQF_SHARED 0x80u
#define IRQF_ONESHOT 0x2000u

static inline int devm_request_threaded_irq(struct device *dev, unsigned int irq, irq_handler_t handler,
					    irq_handler_t thread_fn, unsigned long flags, const char *name, void *data)
{
	(void)dev;
	(void)flags;
	(void)name;
	return atslab_request_irq(irq, (void *)handler, (void *)thread_fn, data);
}
static inline int devm_request_irq(struct device *dev, unsigned int irq, irq_handler_t handler, unsigned long flags,
				   const char *name, void *data)
{
	return devm_request_threaded_irq(dev, irq, handler, NULL, flags, name, data);
}

#endif
