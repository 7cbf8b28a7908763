/*
 * first_run.h - the questions `termauth login` asks when the profile names
 * no IdP yet and someone is at the terminal (first_run.c).
 */
#ifndef TA_FIRST_RUN_H
#define TA_FIRST_RUN_H

#include <termauth.h>

struct cli;

/* 1 when the questions can be asked: standard input and standard error
 * are a terminal. */
int first_run_usable(void);
/* Asks for what c lacks - the IdP (an issuer, checked at once, or a
 * preset), then the client id - sets it in c and p, and saves p, saying
 * where. Returns an exit code, having said what failed. */
int first_run(struct cli *cli, struct ta_client *c, struct ta_profile *p);

#endif
