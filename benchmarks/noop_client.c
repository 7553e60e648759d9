/* A JACK client whose process callback does nothing but write silence: the reference for
 * benchmarks/xruns.py. Compiled by the benchmark into build/ with gcc and linked against the
 * installed libjack (libjack-jackd2-0); the few declarations it needs are written out below
 * when <jack/jack.h> (libjack-jackd2-dev) is not installed: JACK's C ABI is stable.
 *
 *   noop_client NAME
 *
 * Opens client NAME with one output port connected to system:playback_1, then reads commands
 * on stdin: "go" starts counting afresh, "stop" prints one line of figures and exits:
 *   callbacks=N xruns=N notified=N overruns=N p50_us=F p99_us=F max_us=F period_us=F
 * xruns counts callbacks that follow one or more xrun notifications (what PortAudio reports as
 * an underflow flag), notified counts every notification, overruns counts callbacks whose own
 * duration exceeded the period. The callback only reads the clock twice and stores a number.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<jack/jack.h>)
#include <jack/jack.h>
#define HAVE_JACK_H 1
#endif
#endif

#ifndef HAVE_JACK_H
typedef uint32_t jack_nframes_t;
typedef struct _jack_client jack_client_t;
typedef struct _jack_port jack_port_t;
typedef int jack_options_t;
typedef int jack_status_t;
typedef int (*JackProcessCallback)(jack_nframes_t nframes, void *arg);
typedef int (*JackXRunCallback)(void *arg);
#define JackNoStartServer 0x01
#define JackUseExactName 0x02
#define JackPortIsOutput 0x2
#define JACK_DEFAULT_AUDIO_TYPE "32 bit float mono audio"
jack_client_t *jack_client_open(const char *name, jack_options_t options, jack_status_t *status,
                                ...);
int jack_client_close(jack_client_t *client);
int jack_set_process_callback(jack_client_t *client, JackProcessCallback cb, void *arg);
int jack_set_xrun_callback(jack_client_t *client, JackXRunCallback cb, void *arg);
jack_port_t *jack_port_register(jack_client_t *client, const char *name, const char *type,
                                unsigned long flags, unsigned long buffer_size);
void *jack_port_get_buffer(jack_port_t *port, jack_nframes_t frames);
const char *jack_port_name(const jack_port_t *port);
int jack_connect(jack_client_t *client, const char *source, const char *destination);
int jack_activate(jack_client_t *client);
int jack_deactivate(jack_client_t *client);
jack_nframes_t jack_get_sample_rate(jack_client_t *client);
jack_nframes_t jack_get_buffer_size(jack_client_t *client);
#endif

#define RING (1 << 20) /* 2.4 hours of 128-frame periods at 48 kHz */

static jack_port_t *port;
static int64_t *durations;
static volatile int counting;
static volatile long callbacks, overruns, xruns, notified;
static volatile int xrun_pending;
static int64_t period_ns;

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int process(jack_nframes_t frames, void *arg) {
    (void)arg;
    int64_t began = now_ns();
    memset(jack_port_get_buffer(port, frames), 0, frames * sizeof(float));
    int flagged = xrun_pending;
    xrun_pending = 0;
    int64_t took = now_ns() - began;
    if (counting) {
        durations[callbacks % RING] = took;
        callbacks++;
        if (flagged) xruns++;
        if (took > period_ns) overruns++;
    }
    return 0;
}

static int on_xrun(void *arg) {
    (void)arg;
    xrun_pending = 1;
    if (counting) notified++;
    return 0;
}

static int by_value(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: noop_client NAME\n");
        return 2;
    }
    durations = calloc(RING, sizeof(int64_t));
    jack_status_t status = 0;
    jack_client_t *client = jack_client_open(argv[1], JackNoStartServer | JackUseExactName,
                                             &status);
    if (client == NULL) {
        fprintf(stderr, "noop_client: cannot open JACK client %s (status 0x%x)\n", argv[1],
                (unsigned)status);
        return 1;
    }
    period_ns = (int64_t)jack_get_buffer_size(client) * 1000000000 / jack_get_sample_rate(client);
    port = jack_port_register(client, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    jack_set_process_callback(client, process, NULL);
    jack_set_xrun_callback(client, on_xrun, NULL);
    if (port == NULL || jack_activate(client) != 0) {
        fprintf(stderr, "noop_client: cannot activate\n");
        return 1;
    }
    jack_connect(client, jack_port_name(port), "system:playback_1");
    printf("ready\n");
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strncmp(line, "go", 2) == 0) {
            counting = 0;
            callbacks = overruns = xruns = notified = 0;
            counting = 1;
        } else if (strncmp(line, "stop", 4) == 0) {
            break;
        }
    }
    counting = 0;
    long done = callbacks < RING ? callbacks : RING;
    qsort(durations, (size_t)done, sizeof(int64_t), by_value);
    double p50 = done ? durations[(long)(0.50 * (done - 1))] / 1e3 : 0.0;
    double p99 = done ? durations[(long)(0.99 * (done - 1))] / 1e3 : 0.0;
    double max = done ? durations[done - 1] / 1e3 : 0.0;
    printf("callbacks=%ld xruns=%ld notified=%ld overruns=%ld p50_us=%.3f p99_us=%.3f "
           "max_us=%.3f period_us=%.3f\n",
           callbacks, xruns, notified, overruns, p50, p99, max, period_ns / 1e3);
    fflush(stdout);
    jack_deactivate(client);
    jack_client_close(client);
    return 0;
}
