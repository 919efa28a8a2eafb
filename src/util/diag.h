/*
 * diag.h - diagnostics, structured: one line per event on stderr,
 *   ts=2026-11-23T16:28:57Z level=info event=request.created id=... index=7
 * Never log secrets (keys, passwords, tokens, evidence contents).
 * Thread-safe (one write(2) per line).
 */
#ifndef HN_UTIL_DIAG_H
#define HN_UTIL_DIAG_H

enum hn_diag_level { HN_DIAG_DEBUG, HN_DIAG_INFO, HN_DIAG_WARN, HN_DIAG_ERROR };

void hn_diag_set_level(enum hn_diag_level min);

/* `fmt` formats the key=value pairs that follow event=... */
void hn_diag(enum hn_diag_level lvl, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
