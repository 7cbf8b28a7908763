/*
 * device_screen.h - the device flow on standard error: the page and the
 * code, a QR code of the page with the code filled in when the terminal
 * has room for it and a phone could open it, and the countdown.
 */
#ifndef TA_DEVICE_SCREEN_H
#define TA_DEVICE_SCREEN_H

#include "cli.h"

/* Shows the code (the show_device_code callback). On a terminal that is
 * wide and tall enough, the QR code comes first and the page and the code
 * last, nearest the cursor, so that nothing the person needs scrolls away;
 * at -v it says why there is no QR code. uri_complete may be NULL. */
void device_screen_show(struct cli *cli, const char *user_code, const char *uri,
                        const char *uri_complete, int expires_in);
/* The countdown (the device_progress callback), repeating the code: a
 * line redrawn in place where escapes may be written, else a line each
 * time the minutes left change. */
void device_screen_progress(struct cli *cli, int left);

#endif
