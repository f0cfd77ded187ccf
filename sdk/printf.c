/* printf.c — a small printf for components: %d %i %u %x %X %p %s %c %%, with '-', '0', a width
 * and the 'l' length modifier (ignored: int and long are both 32 bits on ilp32). Output goes to
 * kaal_putc, which is the kernel debug channel unless the component defines its own. */
#include "kaal.h"

__attribute__((weak)) void kaal_putc(char c) { seL4_DebugPutChar(c); }

/* Always the kernel's debug channel, as microkit_dbg_puts, whatever kaal_putc is. */
void kaal_dbg_puts(const char *s)
{
    while (*s) seL4_DebugPutChar(*s++);
}

/* Where formatted characters go: to kaal_putc (buffer == 0) or into a bounded buffer. */
typedef struct sink {
    char *buffer;
    size_t size;
    size_t length;
} sink;

static void put(sink *out, char c)
{
    if (out->buffer == 0) {
        kaal_putc(c);
    } else if (out->length + 1 < out->size) {
        out->buffer[out->length] = c;
    }
    out->length++;
}

static void put_padded(sink *out, const char *text, size_t length, int width, int left, char pad)
{
    int fill = width > (int)length ? width - (int)length : 0;
    if (!left) {
        while (fill-- > 0) put(out, pad);
    }
    for (size_t i = 0; i < length; i++) put(out, text[i]);
    if (left) {
        while (fill-- > 0) put(out, ' ');
    }
}

static size_t format_unsigned(char *digits_end, uint32_t value, unsigned base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t n = 0;
    do {
        *--digits_end = digits[value % base];
        value /= base;
        n++;
    } while (value != 0);
    return n;
}

static int format(sink *out, const char *fmt, va_list args)
{
    char number[12];
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(out, *fmt);
            continue;
        }
        fmt++;
        int left = 0;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '0') pad = '0';
            else break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') fmt++;
        char *end = number + sizeof number;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int32_t value = va_arg(args, int32_t);
            uint32_t magnitude = value < 0 ? 0u - (uint32_t)value : (uint32_t)value;
            size_t n = format_unsigned(end, magnitude, 10, 0);
            if (value < 0) {
                *(end - n - 1) = '-';
                n++;
            }
            put_padded(out, end - n, n, width, left, pad);
            break;
        }
        case 'u': {
            size_t n = format_unsigned(end, va_arg(args, uint32_t), 10, 0);
            put_padded(out, end - n, n, width, left, pad);
            break;
        }
        case 'x':
        case 'X': {
            size_t n = format_unsigned(end, va_arg(args, uint32_t), 16, *fmt == 'X');
            put_padded(out, end - n, n, width, left, pad);
            break;
        }
        case 'p': {
            size_t n = format_unsigned(end, (uint32_t)(uintptr_t)va_arg(args, void *), 16, 0);
            put(out, '0');
            put(out, 'x');
            put_padded(out, end - n, n, width > 2 ? width - 2 : 0, left, pad);
            break;
        }
        case 's': {
            const char *s = va_arg(args, const char *);
            if (s == 0) s = "(null)";
            put_padded(out, s, strlen(s), width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(args, int);
            put_padded(out, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            put(out, '%');
            break;
        case '\0':
            return (int)out->length;
        default:
            /* Unknown conversions are printed as written, so mistakes are visible. */
            put(out, '%');
            put(out, *fmt);
            break;
        }
    }
    return (int)out->length;
}

int kaal_vprintf(const char *fmt, va_list args)
{
    sink out = {0, 0, 0};
    return format(&out, fmt, args);
}

int kaal_printf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = kaal_vprintf(fmt, args);
    va_end(args);
    return n;
}

int kaal_snprintf(char *buffer, size_t size, const char *fmt, ...)
{
    sink out = {buffer, size, 0};
    va_list args;
    va_start(args, fmt);
    format(&out, fmt, args);
    va_end(args);
    if (size > 0) buffer[out.length < size ? out.length : size - 1] = '\0';
    return (int)out.length;
}
