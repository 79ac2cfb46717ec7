// Shared by the libFuzzer harnesses: the codec layer opens paths, so each input goes to an in-memory
// file (memfd, which needs _GNU_SOURCE: Scripts/fuzz.sh defines it) and is opened as /proc/self/fd/N.
#pragma once
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static inline int fuzz_input_path(const unsigned char *data, size_t size, char *path, size_t length) {
    int fd = memfd_create("fuzz-input", 0);
    if (fd < 0) return -1;
    if (size > 0 && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return -1;
    }
    snprintf(path, length, "/proc/self/fd/%d", fd);
    return fd;
}
