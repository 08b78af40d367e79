/*
 * Ours: printk formatting for the tree's code. The C library's printf does
 * the standard conversions; the kernel's %p extensions the SMMUv3 driver uses
 * are done here (%pa physical and DMA addresses, %pe error pointers, %pr
 * resources; any other %p<x> prints the pointer). Each conversion is handed
 * to snprintf alone with its argument fetched by type, so the va_list is
 * never shared.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <atslab/kernel_abi.h>
#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/types.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->size)
			o->buf[o->len] = s[i];
	if (o->size)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

static void puts_(struct out *o, const char *s) { put(o, s, __builtin_strlen(s)); }

static const char *errname(long err)
{
	switch (err) {
	case -1: return "-EPERM";
	case -2: return "-ENOENT";
	case -5: return "-EIO";
	case -12: return "-ENOMEM";
	case -16: return "-EBUSY";
	case -19: return "-ENODEV";
	case -22: return "-EINVAL";
	case -28: return "-ENOSPC";
	case -95: return "-EOPNOTSUPP";
	case -110: return "-ETIMEDOUT";
	case -517: return "-EPROBE_DEFER";
	case -524: return "-ENOTSUPP";
	default: return NULL;
	}
}

/* The kernel's %p<ext>: *pp points after the 'p'; returns after the extension. */
static const char *pointer(struct out *o, const char *p, void *ptr)
{
	char tmp[96];

	switch (*p) {
	case 'a': /* %pa, %pap: phys_addr_t *; %pad: dma_addr_t * */
		snprintf(tmp, sizeof(tmp), "0x%016llx", (unsigned long long)*(u64 *)ptr);
		puts_(o, tmp);
		p++;
		if (*p == 'p' || *p == 'd')
			p++;
		return p;
	case 'e': { /* %pe: an error pointer by name */
		const char *name = errname((long)ptr);

		if (name) {
			puts_(o, name);
		} else {
			snprintf(tmp, sizeof(tmp), "%ld", (long)ptr);
			puts_(o, tmp);
		}
		return p + 1;
	}
	case 'r':
	case 'R': { /* %pr: a resource */
		const struct resource *r = ptr;

		snprintf(tmp, sizeof(tmp), "[mem %#010llx-%#010llx]", (unsigned long long)r->start,
			 (unsigned long long)r->end);
		puts_(o, tmp);
		return p + 1;
	}
	default:
		snprintf(tmp, sizeof(tmp), "%p", ptr);
		puts_(o, tmp);
		/* %ps, %pS, %pK, %pOF...: the letters belong to the conversion. */
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			p++;
		return p;
	}
}

static int atslab_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	for (const char *p = fmt; *p;) {
		char spec[32], tmp[512];
		size_t n = 0;
		int lng = 0;

		if (*p != '%') {
			const char *q = p;

			while (*q && *q != '%')
				q++;
			put(&o, p, (size_t)(q - p));
			p = q;
			continue;
		}
		spec[n++] = *p++;
		/* flags, width, precision ('*' takes an int argument) */
		while (*p && __builtin_strchr("-+ #0", *p) && n < 20)
			spec[n++] = *p++;
		if (*p == '*') {
			n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%d", va_arg(ap, int));
			p++;
		}
		while (*p >= '0' && *p <= '9' && n < 24)
			spec[n++] = *p++;
		if (*p == '.') {
			spec[n++] = *p++;
			if (*p == '*') {
				n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%d", va_arg(ap, int));
				p++;
			}
			while (*p >= '0' && *p <= '9' && n < 28)
				spec[n++] = *p++;
		}
		/* length: everything wider than int is passed as long long */
		while (*p == 'h' || *p == 'l' || *p == 'z' || *p == 't' || *p == 'j' || *p == 'L' || *p == 'q') {
			if (*p == 'l' || *p == 'z' || *p == 't' || *p == 'j' || *p == 'L' || *p == 'q')
				lng = 1;
			p++;
		}
		switch (*p) {
		case '%':
			put(&o, "%", 1);
			p++;
			continue;
		case 'd':
		case 'i':
			spec[n++] = 'l';
			spec[n++] = 'l';
			spec[n++] = *p++;
			spec[n] = '\0';
			snprintf(tmp, sizeof(tmp), spec, lng ? va_arg(ap, long long) : (long long)va_arg(ap, int));
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			spec[n++] = 'l';
			spec[n++] = 'l';
			spec[n++] = *p++;
			spec[n] = '\0';
			snprintf(tmp, sizeof(tmp), spec,
				 lng ? va_arg(ap, unsigned long long) : (unsigned long long)va_arg(ap, unsigned int));
			break;
		case 'c':
			spec[n++] = *p++;
			spec[n] = '\0';
			snprintf(tmp, sizeof(tmp), spec, va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			spec[n++] = *p++;
			spec[n] = '\0';
			snprintf(tmp, sizeof(tmp), spec, s ? s : "(null)");
			break;
		}
		case 'p':
			p = pointer(&o, p + 1, va_arg(ap, void *));
			continue;
		default: /* unknown: printed as it stands */
			put(&o, spec, n);
			continue;
		}
		puts_(&o, tmp);
	}
	return (int)o.len;
}

void atslab_printk(int level, const struct device *dev, const char *fmt, ...)
{
	char line[1024];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	atslab_vformat(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* dmesg lines carry no newline of their own in the record. */
	n = __builtin_strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (!dev)
		atslab_log(level, 0, 0, NULL, NULL, line);
	else
		/* dev_printk's "driver name:": the bound driver's name, else the bus's. */
		atslab_log(level, (int)dev->atslab_kind, dev->atslab_id,
			   dev->driver ? dev->driver->name : "platform", dev_name(dev), line);
}

void atslab_warn_fmt(const char *file, int line, const char *func, const char *fmt, ...)
{
	char msg[512];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	atslab_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = __builtin_strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	atslab_warn(file, line, func, msg);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = atslab_vformat(buf, size, fmt, ap);
	va_end(ap);
	return size ? (n < (int)size ? n : (int)size - 1) : 0;
}

char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	char tmp[512];
	char *s;
	size_t n;
	va_list ap;

	(void)gfp;
	va_start(ap, fmt);
	atslab_vformat(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	n = __builtin_strlen(tmp) + 1;
	s = atslab_kmalloc(n, false);
	if (s)
		__builtin_memcpy(s, tmp, n);
	return s;
}
