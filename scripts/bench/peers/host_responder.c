/*
 * The plain-C peer of `make bench`: /dev/host's JSON from libfcgi, threaded as FCGIApp is.
 *
 * Compiled by scripts/bench/peers.py at bench time (gcc -O2, libfcgi). It does what FCGIApp's hot path
 * does and nothing more, so the row shows what Swift and our handler cost on top of libfcgi:
 * N threads (FCGIApp's FCGI_WORKERS), each looping on FCGX_Accept_r on the shared listen socket, keeping
 * nginx's connection open between requests (libfcgi honours FCGI_KEEP_CONN), answering
 *   {"message":"Request handled by backend at <ISO-8601 UTC ms>","imageUri":"<IMAGE>","hostname":"<host>"}
 * with the parts that never change encoded once at start, as FCGIApp does.
 *
 * Usage: host_responder SOCKET_PATH THREADS   (IMAGE from the environment; no JSON escaping is done,
 * so the caller passes only values that need none: bench.py checks the answer against FCGIApp's.)
 */
#include <fcgiapp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int listen_fd;
static char suffix[512]; /* `","imageUri":"…","hostname":"…"}` */
static int suffix_len;

static void *serve(void *unused) {
  (void)unused;
  FCGX_Request request;
  if (FCGX_InitRequest(&request, listen_fd, 0) != 0) return NULL;
  while (FCGX_Accept_r(&request) >= 0) {
    /* The timestamp as FCGIApp writes it: UTC, milliseconds truncated. */
    struct timespec now;
    struct tm utc;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &utc);
    char body[640];
    int len = snprintf(body, sizeof body,
                       "{\"message\":\"Request handled by backend at %04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
                       utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                       utc.tm_sec, now.tv_nsec / 1000000L);
    memcpy(body + len, suffix, (size_t)suffix_len);
    len += suffix_len;
    /* Headers and body in one buffer, one FCGX_PutStr, as FCGIApp sends them. */
    char out[768];
    int head = snprintf(out, sizeof out,
                        "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len);
    memcpy(out + head, body, (size_t)len);
    const char *method = FCGX_GetParam("REQUEST_METHOD", request.envp);
    int with_body = !(method && strcmp(method, "HEAD") == 0);
    FCGX_PutStr(out, head + (with_body ? len : 0), request.out);
    FCGX_Finish_r(&request);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3 || atoi(argv[2]) < 1) {
    fprintf(stderr, "usage: %s SOCKET_PATH THREADS\n", argv[0]);
    return 2;
  }
  const char *image = getenv("IMAGE") ? getenv("IMAGE") : "NOT_FOUND";
  char host[256];
  if (gethostname(host, sizeof host) != 0) strcpy(host, "unknown");
  host[sizeof host - 1] = '\0';
  suffix_len = snprintf(suffix, sizeof suffix, "\",\"imageUri\":\"%s\",\"hostname\":\"%s\"}", image, host);
  if (suffix_len < 0 || suffix_len >= (int)sizeof suffix) {
    fprintf(stderr, "host_responder: IMAGE or hostname too long\n");
    return 2;
  }
  if (FCGX_Init() != 0) return 1;
  listen_fd = FCGX_OpenSocket(argv[1], 1024); /* FCGIApp's default backlog */
  if (listen_fd < 0) {
    perror("host_responder: FCGX_OpenSocket");
    return 1;
  }
  chmod(argv[1], 0666); /* nginx's workers run as nobody when the bench runs as root */
  int threads = atoi(argv[2]);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024); /* FCGIApp's worker stack */
  pthread_t tid;
  for (int i = 0; i < threads; i++) {
    if (pthread_create(&tid, &attr, serve, NULL) != 0) {
      perror("host_responder: pthread_create");
      return 1;
    }
  }
  pause(); /* bench.py ends it with SIGTERM */
  return 0;
}
