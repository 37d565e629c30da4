/// The one sizing rule of the container: how many FastCGI connections nginx can hold, and how many of
/// them the app serves at once or holds waiting, derived together so that nginx's connect() to the app
/// never fails for load (nginx would answer that with a 502).
///
/// libfcgi serves a FastCGI connection with one thread until nginx closes it. nginx opens one app
/// connection per request in flight and keeps up to `keepalive` idle ones per worker. An nginx worker
/// with `connections` slots holds c client connections, a active and i idle app connections, with
/// a ≤ c (each active one serves a client's request), i ≤ keepalive and c + a + i ≤ connections; so
/// a + i ≤ (connections + keepalive) / 2: `appConnections`. Of those the app serves `threads` at once;
/// the rest wait in its listen backlog, which holds `min(backlog, listenQueueLimit)` (the kernel cuts a
/// larger listen() backlog to net.core.somaxconn). Once that is full too, connect() fails with EAGAIN.
/// WorkerPool releases a kept connection whenever one waits, so a waiting connection is served next.
///
/// Not `max_conns` on the upstream server: open-source nginx has no `queue` directive, and a request
/// that finds the server at its limit fails at once with a 502 ("no live upstreams"), a 5xx for mere
/// load (nginx docs, ngx_http_upstream_module, `server ... max_conns` and `queue`).
///
/// ```swift
/// let sizing = Preflight.Sizing.derive(workerProcesses: 1, listenQueueLimit: 4096)
/// // threads 128, keepalive 64, backlog 4096, workerConnections 8385
/// ```
extension Preflight {
  package struct Sizing: Sendable, Equatable {
    /// `NGINX_WORKER_PROCESSES`.
    package var workerProcesses: Int
    /// `NGINX_WORKER_CONNECTIONS`: client and app connections per nginx worker.
    package var workerConnections: Int
    /// `NGINX_UPSTREAM_KEEPALIVE`: idle app connections each nginx worker keeps.
    package var keepalive: Int
    /// `FCGI_WORKERS`: app threads, one per connection being served.
    package var threads: Int
    /// `FCGI_BACKLOG`: the app's listen backlog as asked of listen().
    package var backlog: Int
    /// net.core.somaxconn of the container's network namespace: the kernel's cap on any backlog.
    package var listenQueueLimit: Int

    /// The most app connections nginx can hold at once, over all its workers.
    package var appConnections: Int { workerProcesses * ((workerConnections + keepalive) / 2) }
    /// Threads that idle cached connections can pin.
    package var pinnedThreads: Int { workerProcesses * keepalive }
    /// Connections the listen backlog really holds.
    package var effectiveBacklog: Int { min(backlog, listenQueueLimit) }

    /// The most `NGINX_WORKER_CONNECTIONS` the rule allows for the other values (may be below 64):
    /// the largest C with floor((C + K) / 2) <= floor((threads + backlog) / W).
    package var maxWorkerConnections: Int {
      2 * ((threads + effectiveBacklog) / workerProcesses) + 1 - keepalive
    }

    /// Default keepalive: 64, the benchmark's concurrency (fewer costs a connect per request beyond it,
    /// ~15 % more CPU per request measured at 16), but at most half the threads per nginx worker, so
    /// idle cached connections never pin most of the app.
    package static let defaultKeepalive = 64
    /// The most worker_connections derived by default: room for thousands of slow or idle clients.
    package static let defaultWorkerConnectionsCap = Preflight.defaultWorkerConnections
    /// net.core.somaxconn when /proc does not say: SOMAXCONN before Linux 5.4 (4096 since), the
    /// smaller, so the rule never assumes a backlog the kernel does not give.
    package static let fallbackListenQueueLimit = 128

    /// Derives every value not given from the ones given, in this order: keepalive (64, at most half
    /// of the threads, given or 1000, per worker), the thread budget (twice what idle cached connections can pin,
    /// at most 1000), backlog (what the kernel honours), worker_connections (the most the rule allows,
    /// capped), then threads: the budget, or fewer when nginx cannot open that many.
    ///
    /// Why not more threads by default: each request in flight wakes its own thread, and nginx (one
    /// thread per worker) competes with every runnable one for the CPUs. Measured on 2 CPUs: with 256
    /// or more threads, 600 pipelining clients kept a normal client's request waiting 1.5-2.5 s (the
    /// hostile-client test allows 1 s); with 128 it passes. More threads did not buy latency either:
    /// at 256 clients p99 was 24 ms with 1000 threads and 22 ms with 128 (README, "Capacity and
    /// sizing"). A task with more CPUs can raise FCGI_WORKERS.
    /// - Parameters:
    ///   - workerProcesses: nginx workers (already resolved from `auto`).
    ///   - workerConnections: `NGINX_WORKER_CONNECTIONS` if set.
    ///   - keepalive: `NGINX_UPSTREAM_KEEPALIVE` if set.
    ///   - threads: `FCGI_WORKERS` if set.
    ///   - backlog: `FCGI_BACKLOG` if set.
    ///   - listenQueueLimit: net.core.somaxconn.
    /// - Returns: the sizing; `problems` says whether it holds.
    package static func derive(
      workerProcesses: Int,
      workerConnections: Int? = nil,
      keepalive: Int? = nil,
      threads: Int? = nil,
      backlog: Int? = nil,
      listenQueueLimit: Int
    ) -> Sizing {
      let threadCap = threads ?? AppConfig.workersRange.upperBound
      let keepalive =
        keepalive ?? max(1, min(defaultKeepalive, threadCap / (2 * workerProcesses)))
      let threadBudget =
        threads ?? min(AppConfig.workersRange.upperBound, 2 * keepalive * workerProcesses)
      var sizing = Sizing(
        workerProcesses: workerProcesses,
        workerConnections: workerConnections ?? 0,
        keepalive: keepalive,
        threads: threadBudget,
        backlog: backlog ?? min(listenQueueLimit, AppConfig.backlogRange.upperBound),
        listenQueueLimit: listenQueueLimit)
      if workerConnections == nil {
        sizing.workerConnections = min(defaultWorkerConnectionsCap, sizing.maxWorkerConnections)
      }
      if threads == nil {
        sizing.threads = min(threadBudget, sizing.appConnections)
      }
      return sizing
    }

    /// What breaks the rule, each with the variable to change and by how much.
    package var problems: [ConfigProblem] {
      var problems: [ConfigProblem] = []
      if threads <= pinnedThreads {
        problems.append(
          ConfigProblem(
            "FCGI_WORKERS", String(threads),
            "is too small: nginx can pin \(pinnedThreads) app workers with idle kept connections "
              + "(NGINX_UPSTREAM_KEEPALIVE x NGINX_WORKER_PROCESSES), so use more than "
              + "\(pinnedThreads) (at most \(AppConfig.workersRange.upperBound)), or lower "
              + "NGINX_UPSTREAM_KEEPALIVE"))
      }
      // Each request in flight holds a client and an app connection, and up to K app connections stay
      // cached: fewer than 2 x K per worker would leave the cache crowding out clients.
      let leastConnections = max(2 * keepalive, workerConnectionsRange.lowerBound)
      if workerConnections < leastConnections {
        problems.append(
          ConfigProblem(
            "NGINX_WORKER_CONNECTIONS", String(workerConnections),
            "is too small for NGINX_UPSTREAM_KEEPALIVE=\(keepalive) (derived from the others when "
              + "unset): use at least \(leastConnections), with fewer NGINX_WORKER_PROCESSES or a "
              + "smaller NGINX_UPSTREAM_KEEPALIVE if it was derived"))
      } else if appConnections > threads + effectiveBacklog {
        let limit = maxWorkerConnections
        let fix =
          limit >= leastConnections
          ? "use at most \(limit)"
          : "no value works with NGINX_WORKER_PROCESSES=\(workerProcesses): lower it or "
            + "NGINX_UPSTREAM_KEEPALIVE"
        problems.append(
          ConfigProblem(
            "NGINX_WORKER_CONNECTIONS", String(workerConnections),
            "lets nginx open \(appConnections) app connections (NGINX_WORKER_PROCESSES x "
              + "(NGINX_WORKER_CONNECTIONS + NGINX_UPSTREAM_KEEPALIVE) / 2), more than the app "
              + "serves (FCGI_WORKERS=\(threads)) plus its listen backlog holds "
              + "(min(FCGI_BACKLOG=\(backlog), net.core.somaxconn=\(listenQueueLimit))), so nginx "
              + "would answer 502 under load: \(fix), or raise FCGI_WORKERS, FCGI_BACKLOG or "
              + "net.core.somaxconn"))
      }
      return problems
    }
  }
}
