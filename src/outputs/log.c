/* Journal or stderr. Messages are formatted into stack buffers: logging
 * happens on the hot path (a decision) and must not allocate, nor wait
 * on a journald that does not read (journal_socket.c). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include "journal_socket.h"
#include "log_stderr.h"
#include "outputs/log.h"

#define LOG_LINE_MAX 2048
#define LOG_FIELDS_MAX 32

_Static_assert(LOG_FIELDS_MAX + 3 <= JOURNAL_FIELDS_MAX, "an entry's fields must all be sent");

static bool use_journal;
static bool verbose_enabled;

/* systemd sets JOURNAL_STREAM=dev:ino when stderr is the journal. */
static bool stderr_is_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;
        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
                return false;
        return st.st_dev == dev && st.st_ino == ino;
}

void log_setup(enum log_target target, bool verbose) {
        verbose_enabled = verbose;
        if (target == LOG_TARGET_AUTO)
                use_journal = stderr_is_journal() ||
                              (access("/run/systemd/journal/socket", W_OK) == 0 && !isatty(STDERR_FILENO));
        else
                use_journal = target == LOG_TARGET_JOURNAL;
}

bool log_to_journal(void) { return use_journal; }
bool log_is_verbose(void) { return verbose_enabled; }

static const char *priority_tag(int priority) {
        static const char *const tags[] = { "emerg", "alert", "crit", "error", "warning", "notice", "info", "debug" };
        return tags[priority & 7];
}

/* Names in messages (cgroup paths, comms, file names) are chosen by other
 * users: a control character could start a forged line on stderr or
 * rewrite a terminal (ESC, CR). Callers replace them too; this is the
 * last line of defence for every message. In place, no allocation. */
static void defang(char *s) {
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7f)
                        *s = '?';
}

static void emit(int priority, const char *message_id, const struct log_field *fields, size_t n_fields,
                 const char *message) {
        if (priority == LOG_DEBUG && !verbose_enabled)
                return;
        if (!use_journal) {
                char line[LOG_LINE_MAX];
                size_t off = (size_t)snprintf(line, sizeof(line), "oomguard: %s: %s", priority_tag(priority), message);
                for (size_t i = 0; i < n_fields && off < sizeof(line); i++)
                        off += (size_t)snprintf(line + off, sizeof(line) - off, " %s=%s", fields[i].key,
                                                fields[i].value);
                defang(line);
                if (off > sizeof(line) - 2)
                        off = sizeof(line) - 2;
                line[off++] = '\n';
                log_stderr_write(line, off); /* never waits on a full pipe: a lost line is counted, and said */
                return;
        }
        char buf[LOG_FIELDS_MAX + 3][LOG_LINE_MAX / 4];
        struct iovec iov[LOG_FIELDS_MAX + 3];
        size_t n = 0;
        snprintf(buf[n], sizeof(buf[n]), "PRIORITY=%d", priority);
        n++;
        snprintf(buf[n], sizeof(buf[n]), "MESSAGE=%s", message);
        n++;
        if (message_id) {
                snprintf(buf[n], sizeof(buf[n]), "MESSAGE_ID=%s", message_id);
                n++;
        }
        for (size_t i = 0; i < n_fields && n < ELEMENTSOF(buf); i++, n++)
                snprintf(buf[n], sizeof(buf[n]), "%s=%s", fields[i].key, fields[i].value);
        for (size_t i = 0; i < n; i++)
                defang(buf[i]);
        for (size_t i = 0; i < n; i++)
                iov[i] = (struct iovec){ .iov_base = buf[i], .iov_len = strlen(buf[i]) };
        (void)journal_socket_send(iov, n); /* never waits: a lost entry is counted, and said */
}

void log_msg(int priority, const char *fmt, ...) {
        char msg[LOG_LINE_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        emit(priority, NULL, NULL, 0, msg);
}

int log_error_errno(int err, const char *fmt, ...) {
        char msg[LOG_LINE_MAX];
        va_list ap;
        errno = err < 0 ? -err : err;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        emit(LOG_ERR, NULL, NULL, 0, msg);
        return err < 0 ? err : -err;
}

void log_event(int priority, const char *message_id, const struct log_field *fields, size_t n_fields, const char *fmt,
               ...) {
        char msg[LOG_LINE_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        emit(priority, message_id, fields, n_fields, msg);
}
