/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * diff_harness.h -- what pmem2_diff.c and pmemset_diff.c share: the per-case
 * result text, return codes by name, out-pointer states, and the runner that puts
 * each case in its own forked child under alarm() and prints
 * "<prefix><name>\t<result>", or HANG / CRASH(<sig>) / FIXTURE-FAILED(<code>).
 * Header-only (static inline): each driver is one translation unit.
 */
#ifndef PMEM2_DIFF_HARNESS_H
#define PMEM2_DIFF_HARNESS_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The current case's result, built with out() in the child. */
static char result[512];

static inline void out(const char *fmt, ...)
{
	size_t used = strlen(result);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(result + used, sizeof(result) - used, fmt, ap);
	va_end(ap);
}

struct code_name {
	int code;
	const char *name;
};

/* Appends the name of a return code: 0, its name in `names`, -E<errno>, or the number. */
static inline void rc_from(const struct code_name *names, size_t count, int code)
{
	if (code == 0) {
		out("0");
		return;
	}
	for (size_t i = 0; i < count; i++)
		if (names[i].code == code) {
			out("%s", names[i].name);
			return;
		}
	const char *en = code < 0 ? strerrorname_np(-code) : NULL;
	if (en != NULL)
		out("-%s", en);
	else
		out("%d", code);
}

/* Out-pointers start as UNTOUCHED, so a result tells "left alone" from "set". */
#define UNTOUCHED ((void *)1)
static inline void ptr_state(const char *what, const void *p)
{
	out(" %s=%s", what, p == NULL ? "NULL" : p == UNTOUCHED ? "untouched" : "set");
}

/*
 * Runs fn in a child with alarm(5) (far above any case's run time: only a hang
 * reaches it) and collects its result text into buf. Returns the child's wait
 * status; *child is its pid (for clean-up by pid before the outcome is printed).
 */
static inline int run_child(void (*fn)(void), char *buf, size_t size, pid_t *child)
{
	int pipefd[2];
	if (pipe(pipefd) != 0) {
		perror("pipe");
		exit(2);
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		close(pipefd[0]);
		alarm(5);
		result[0] = '\0';
		fn();
		size_t n = strlen(result);
		if (write(pipefd[1], result, n) != (ssize_t)n)
			_exit(92);
		_exit(0);
	}
	close(pipefd[1]);
	size_t got = 0;
	ssize_t n;
	while (got < size - 1 && (n = read(pipefd[0], buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(pipefd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*child = pid;
	return status;
}

/* Prints one case's line from run_child()'s status and text. */
static inline void print_outcome(const char *prefix, const char *name, int status, const char *buf)
{
	printf("%s%s\t", prefix, name);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		if (sig == SIGALRM)
			printf("HANG\n");
		else
			printf("CRASH(%s)\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	} else if (WEXITSTATUS(status) != 0) {
		printf("FIXTURE-FAILED(%d)\n", WEXITSTATUS(status));
	} else {
		printf("%s\n", buf);
	}
}

#endif
