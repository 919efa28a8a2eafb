/*
 * log.h - structured logging: one line per event on stderr,
 *   ts=2026-11-23T16:28:57Z level=info event=request.created id=... index=7
 * Never log secrets (keys, passwords, tokens, evidence contents).
 * Thread-safe (one write(2) per line).
 */
#ifndef HN_UTIL_LOG_H
#define HN_UTIL_LOG_H

enum hn_log_level { HN_LOG_DEBUG, HN_LOG_INFO, HN_LOG_WARN, HN_LOG_ERROR };

void hn_log_set_level(enum hn_log_level min);

/* `fmt` formats the key=value pairs that follow event=... */
void hn_log(enum hn_log_level lvl, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
