/*
 * no_keyctl.c - runs a command where the kernel refuses the key retention
 * service, as a locked-down container does: a seccomp filter (the kernel's
 * own, as Docker's default profile installs one) makes keyctl(2),
 * add_key(2) and request_key(2) fail with EPERM, for the command and
 * everything it starts. Usage: no_keyctl [--enosys|--eopnotsupp] CMD [ARG...]
 * (--enosys: fail with ENOSYS instead, as a kernel built without keys;
 * --eopnotsupp: with EOPNOTSUPP, as one without persistent keyrings).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "no_keyctl: name this architecture's AUDIT_ARCH_"
#endif

#define REFUSE(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA))

int main(int argc, char **argv)
{
	int first = 1, err = EPERM;

	if (argc > 1 && !strcmp(argv[1], "--enosys"))
		err = ENOSYS, first = 2;
	else if (argc > 1 && !strcmp(argv[1], "--eopnotsupp"))
		err = EOPNOTSUPP, first = 2;
	if (argc <= first) {
		fprintf(stderr, "usage: no_keyctl [--enosys|--eopnotsupp] CMD [ARG...]\n");
		return 2;
	}
	{
		struct sock_filter code[] = {
			/* Another architecture's system call numbers mean other
			 * calls: such a process is killed, not let through. */
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
			REFUSE(__NR_keyctl),
			REFUSE(__NR_add_key),
			REFUSE(__NR_request_key),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
			perror("no_keyctl: cannot install the seccomp filter");
			return 125;
		}
	}
	execvp(argv[first], argv + first);
	perror("no_keyctl: cannot run the command");
	return 127;
}
