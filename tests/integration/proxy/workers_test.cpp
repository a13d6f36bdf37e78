// `gatehouse proxy -workers 4` under concurrent load while the agent changes under it: CA root
// rotations, instances of its upstream registered and deregistered, and a drain with connections
// open. Every client connection is accounted for by content: its bytes came back and the sidecar
// logged it as accepted with those byte counts, or the sidecar logged why it ended. Under the tsan
// preset every process here is a ThreadSanitizer build, so this is also the test that drives what
// the workers share (TLS contexts, the connection registry, upstream snapshots, the watches) from
// several threads at once.
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/proxy/proxy_fixture.hpp"
#include "tests/integration/support/loopback_port.hpp"
#include "tls/certificate.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

constexpr int kWorkers = 4;
constexpr int kInboundThreads = 3;   // mTLS callers of the public listener
constexpr int kOutboundThreads = 3;  // plain callers of the upstream listener
constexpr int kStreamsPerBatch = 4;  // open at once per thread
constexpr int kRoundsPerStream = 3;  // echo round trips per connection
constexpr int kMaxBatches = 400;     // per thread: the loop's bound if the test never stops it
constexpr int kDrainStreams = 4;     // per direction, open across the drain

std::uint16_t local_port_of(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (fd < 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return 0;  // NOLINT
  return ntohs(addr.sin_port);
}

enum class Direction { inbound, outbound };

// One client connection through the sidecar and how it went.
struct ConnResult {
  Direction direction = Direction::inbound;
  std::uint16_t local_port = 0;  // the sidecar logs it as peer=127.0.0.1:<port>
  std::size_t sent = 0;          // payload bytes written
  bool echoed = false;           // every round came back, and the close ended with "bye\n"
  std::string client_serial;     // inbound: the leaf we presented
  std::string server_serial;     // inbound: the leaf the sidecar presented
  std::string error;             // why not echoed
};

// A client connection, mTLS to the public listener or plain TCP to the upstream listener.
class Stream {
 public:
  virtual ~Stream() = default;
  virtual bool write(std::string_view data) = 0;
  virtual std::string read_exactly(std::size_t n) = 0;
  // Half-closes and reads everything until the sidecar ends the stream.
  virtual std::string finish() = 0;
  // Reads everything until the sidecar ends the stream; false unless it ended it cleanly
  // (close_notify on TLS, a FIN on plain TCP).
  virtual bool read_until_closed(std::string& out) = 0;
  ConnResult result;
};

class TlsStream final : public Stream {
 public:
  TlsStream(const std::shared_ptr<const tls::TlsContext>& context, std::uint16_t port)
      : context_(context), client_(context->ssl_context().native_handle(), port) {
    result.direction = Direction::inbound;
    result.local_port = local_port_of(SSL_get_fd(client_.native_handle()));
    result.client_serial = context->leaf_serial();
  }
  bool handshake() {
    if (!client_.handshake()) {
      result.error = client_.error();
      return false;
    }
    if (const X509* server = SSL_get0_peer_certificate(client_.native_handle())) {
      result.server_serial = tls::serial_colon_hex(server);
    }
    return true;
  }
  bool write(std::string_view data) override { return client_.write(data); }
  std::string read_exactly(std::size_t n) override { return client_.read_exactly(n); }
  std::string finish() override {
    client_.send_close_notify();
    return client_.read_to_end();
  }
  bool read_until_closed(std::string& out) override {
    out = client_.read_to_end();
    return client_.end() == TlsEnd::clean_close;
  }

 private:
  std::shared_ptr<const tls::TlsContext> context_;  // the SSL_CTX outlives the connection
  TlsClient client_;
};

class PlainStream final : public Stream {
 public:
  explicit PlainStream(std::uint16_t port) : fd_(connect_loopback(port)) {
    result.direction = Direction::outbound;
    result.local_port = local_port_of(fd_);
  }
  ~PlainStream() override {
    if (fd_ >= 0) ::close(fd_);
  }
  PlainStream(const PlainStream&) = delete;
  PlainStream& operator=(const PlainStream&) = delete;
  bool connected() const { return fd_ >= 0; }
  bool write(std::string_view data) override {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  std::string read_exactly(std::size_t n) override {
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
      const auto r = ::recv(fd_, out.data() + got, n - got, 0);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return out;
  }
  std::string finish() override {
    ::shutdown(fd_, SHUT_WR);
    return read_plain_to_eof(fd_);
  }
  bool read_until_closed(std::string& out) override {
    out.clear();
    std::array<char, 4096> buf{};
    for (;;) {
      const auto n = ::recv(fd_, buf.data(), buf.size(), 0);
      if (n == 0) return true;  // FIN
      if (n < 0) return false;  // reset, or the safety timeout
      out.append(buf.data(), static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
};

// What the client threads share with the test: where to connect, the caller identity to use
// (replaced after each CA rotation), their results, and how far each has come.
class Load {
 public:
  Load(std::uint16_t public_port, std::uint16_t upstream_port,
       std::shared_ptr<const tls::TlsContext> web)
      : public_port_(public_port), upstream_port_(upstream_port), web_(std::move(web)) {}

  void set_web_context(std::shared_ptr<const tls::TlsContext> web) {
    const std::lock_guard lock{mutex_};
    web_ = std::move(web);
  }

  // Opens `count` connections in `direction` (each did one echo round), for the drain.
  std::vector<std::unique_ptr<Stream>> open(Direction direction, int count,
                                            const std::string& tag) {
    std::vector<std::unique_ptr<Stream>> streams;
    for (int i = 0; i < count; ++i) {
      auto stream = connect(direction);
      if (stream) {
        round(*stream, tag + "-c" + std::to_string(i) + "-r0", 1);
      }
      streams.push_back(std::move(stream));
    }
    return streams;
  }

  // Echo rounds and the close, recorded; a failed stream is kept with its error.
  static void round(Stream& stream, const std::string& tag, std::size_t filler) {
    if (!stream.result.error.empty()) return;
    // Payloads from a line to a few TLS records, so relays also see multi-record reads.
    const std::string payload = tag + std::string(filler * 1500, 'x') + "\n";
    if (!stream.write(payload)) {
      stream.result.error = "write failed in " + tag;
      return;
    }
    stream.result.sent += payload.size();
    if (const auto back = stream.read_exactly(payload.size()); back != payload) {
      stream.result.error = "echo mismatch in " + tag + ": got " + std::to_string(back.size()) +
                            " of " + std::to_string(payload.size()) + " bytes";
    }
  }
  void close_and_record(Stream& stream) {
    if (stream.result.error.empty()) {
      if (const auto rest = stream.finish(); rest == "bye\n") {
        stream.result.echoed = true;
      } else {
        stream.result.error = "close: expected the app's bye, got \"" + rest + "\"";
      }
    }
    const std::lock_guard lock{mutex_};
    results_.push_back(stream.result);
  }

  // One client thread: batches of streams open at once, several rounds each, until stopped.
  void run(Direction direction, int thread, const std::stop_token& stop) {
    for (int batch = 0; batch < kMaxBatches && !stop.stop_requested(); ++batch) {
      std::vector<std::unique_ptr<Stream>> streams;
      for (int i = 0; i < kStreamsPerBatch; ++i) streams.push_back(connect(direction));
      for (int r = 0; r < kRoundsPerStream; ++r) {
        for (std::size_t i = 0; i < streams.size(); ++i) {
          const std::string tag = "t" + std::to_string(thread) + "-b" + std::to_string(batch) +
                                  "-c" + std::to_string(i) + "-r" + std::to_string(r);
          round(*streams[i], tag, (i + static_cast<std::size_t>(r)) % 4);
        }
      }
      for (auto& stream : streams) close_and_record(*stream);
      {
        const std::lock_guard lock{mutex_};
        ++batches_.at(static_cast<std::size_t>(thread));
      }
      progress_.notify_all();
    }
  }

  // Waits until every one of `threads` client threads finished one more batch than when called.
  bool wait_for_progress(int threads, std::chrono::seconds timeout) {
    std::unique_lock lock{mutex_};
    const auto before = batches_;
    return progress_.wait_for(lock, timeout, [&] {
      for (std::size_t t = 0; t < static_cast<std::size_t>(threads); ++t) {
        if (batches_.at(t) <= before.at(t)) return false;
      }
      return true;
    });
  }

  std::vector<ConnResult> results() const {
    const std::lock_guard lock{mutex_};
    return results_;
  }

 private:
  std::unique_ptr<Stream> connect(Direction direction) {
    if (direction == Direction::outbound) {
      auto stream = std::make_unique<PlainStream>(upstream_port_);
      if (!stream->connected()) stream->result.error = "connect to the upstream listener failed";
      return stream;
    }
    std::shared_ptr<const tls::TlsContext> web;
    {
      const std::lock_guard lock{mutex_};
      web = web_;
    }
    auto stream = std::make_unique<TlsStream>(web, public_port_);
    stream->handshake();  // a failure is kept in the result
    return stream;
  }

  const std::uint16_t public_port_;
  const std::uint16_t upstream_port_;
  mutable std::mutex mutex_;
  std::condition_variable progress_;
  std::shared_ptr<const tls::TlsContext> web_;                     // guarded by mutex_
  std::vector<ConnResult> results_;                                // guarded by mutex_
  std::array<int, kInboundThreads + kOutboundThreads> batches_{};  // done per thread; by mutex_
};

// An `api` instance: an echo app behind a one-worker `gatehouse proxy -service api`.
struct ApiInstance {
  std::unique_ptr<ChildProcess> app;
  std::unique_ptr<ChildProcess> sidecar;
  std::uint16_t port = 0;  // the sidecar's public port
};

class WorkersTest : public ProxyTest {
 protected:
  // Callers write through OpenSSL's write(2), also on connections the sidecar has just closed (a
  // caller refused during a rotation window): like `gatehouse` itself, take EPIPE, not SIGPIPE.
  WorkersTest() { std::signal(SIGPIPE, SIG_IGN); }

  ApiInstance start_api_instance() {
    ApiInstance i;
    i.app = std::make_unique<ChildProcess>(
        std::vector<std::string>{GATEHOUSE_BINARY, "echo", "-listen", "127.0.0.1:0"});
    const auto app_line = i.app->wait_for_line("event=listening");
    EXPECT_TRUE(app_line) << i.app->output();
    i.sidecar = std::make_unique<ChildProcess>(
        std::vector<std::string>{GATEHOUSE_BINARY, "proxy", "-service", "api", "-service-addr",
                                 field(app_line.value_or(""), "addr"), "-listen", "127.0.0.1:0",
                                 "-http-addr", agent_.base_url(), "-workers", "1"});
    const auto line = i.sidecar->wait_for_line("event=listening listener=public", 60s);
    EXPECT_TRUE(line) << i.sidecar->output();
    i.port = port_of(field(line.value_or(":0"), "addr"));
    return i;
  }

  // Registers a connect-proxy for `api` at 127.0.0.1:port under `id`.
  void register_api(const std::string& id, std::uint16_t port) {
    const auto r = agent_.put("/v1/agent/service/register",
                              json{{"Kind", "connect-proxy"},
                                   {"ID", id},
                                   {"Name", "api-sidecar-proxy"},
                                   {"Address", "127.0.0.1"},
                                   {"Port", port},
                                   {"Proxy", {{"DestinationServiceName", "api"}}}}
                                  .dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void deregister_api(const std::string& id) {
    const auto r = agent_.put("/v1/agent/service/deregister/" + id, "");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // The sidecar has seen `count` healthy api instances for the `nth` time.
  void expect_instances(std::size_t count, std::size_t nth) {
    ASSERT_TRUE(proxy_->wait_for_count(
        "event=upstream_instances upstream=api count=" + std::to_string(count), nth, 60s))
        << proxy_->output();
  }

  std::string leaf_serial(const std::string& service) {
    return agent_.get("/v1/agent/connect/ca/leaf/" + service).json()["SerialNumber"];
  }

  // Rotates the CA and waits until the sidecar under test and every api sidecar serve their new
  // leaves; returns db's new serial.
  std::string rotate_and_wait(const std::vector<ChildProcess*>& api_sidecars) {
    rotate_ca();
    if (HasFatalFailure()) return {};
    const std::string db_serial = leaf_serial("db");
    const std::string api_serial = leaf_serial("api");
    const auto updated = proxy_->wait_for_line("event=tls_updated serial=" + db_serial + " ", 60s);
    EXPECT_TRUE(updated) << proxy_->output();
    EXPECT_EQ(field(updated.value_or(""), "active_root"),
              agent_.get("/v1/agent/connect/ca/roots").json()["ActiveRootID"]);
    for (auto* sidecar : api_sidecars) {
      EXPECT_TRUE(sidecar->wait_for_line("event=tls_updated serial=" + api_serial + " ", 60s))
          << sidecar->output();
    }
    return db_serial;
  }
};

// The sidecar's summary lines by direction and client port.
using ConnLines = std::map<std::pair<Direction, std::uint16_t>, std::vector<std::string>>;

ConnLines conn_lines_of(const std::string& output) {
  ConnLines lines;
  std::size_t start = 0;
  for (std::size_t end; (end = output.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = output.substr(start, end - start);
    if (line.find(" event=conn ") == std::string::npos) continue;
    const auto direction =
        field(line, "direction") == "outbound" ? Direction::outbound : Direction::inbound;
    lines[{direction, port_of(field(line, "peer"))}].push_back(line);
  }
  return lines;
}

// The line that says this echoed connection was relayed whole, and then closed by the client.
bool matches_echoed(const ConnResult& r, const std::string& line) {
  const auto to_app = std::to_string(r.sent);
  const auto to_client = std::to_string(r.sent + 4);  // the app's "bye\n"
  const bool inbound = r.direction == Direction::inbound;
  return field(line, "outcome") == "accepted" && field(line, "end") == "client_closed" &&
         field(line, inbound ? "bytes_in" : "bytes_out") == to_app &&
         field(line, inbound ? "bytes_out" : "bytes_in") == to_client &&
         (!inbound || field(line, "serial") == r.client_serial);
}

// A connection that did not echo must have been ended by the sidecar with a reason in its line.
bool has_logged_reason(const std::string& line) {
  if (field(line, "outcome") == "accepted") {
    const auto end = field(line, "end");
    return !end.empty() && end != "client_closed";
  }
  return !field(line, "reason").empty();
}

std::string describe(const ConnResult& r) {
  return std::string{r.direction == Direction::inbound ? "inbound" : "outbound"} +
         " port=" + std::to_string(r.local_port) + " sent=" + std::to_string(r.sent) +
         " echoed=" + (r.echoed ? "true" : "false") + " error=\"" + r.error + "\"";
}

// Pairs every client connection with its summary line; returns what does not add up (at most a
// few entries, so a broken run stays readable).
std::vector<std::string> account(const std::vector<ConnResult>& results, ConnLines lines) {
  std::vector<std::string> problems;
  const auto problem = [&problems](std::string text) {
    if (problems.size() < 10) problems.push_back(std::move(text));
  };
  const auto take = [&lines](const ConnResult& r, auto&& matches) -> std::optional<std::string> {
    auto& candidates = lines[{r.direction, r.local_port}];
    for (auto it = candidates.begin(); it != candidates.end(); ++it) {
      if (matches(*it)) {
        auto line = *it;
        candidates.erase(it);
        return line;
      }
    }
    return std::nullopt;
  };
  // Echoed first: a reused client port must not pair an echoed connection with a failed line.
  for (const auto& r : results) {
    if (r.echoed && !take(r, [&r](const std::string& l) { return matches_echoed(r, l); })) {
      problem("echoed, but no accepted line with these byte counts: " + describe(r));
    }
  }
  for (const auto& r : results) {
    if (!r.echoed && !take(r, has_logged_reason)) {
      problem("not echoed, and no line with a reason: " + describe(r));
    }
  }
  for (const auto& [key, rest] : lines) {
    for (const auto& line : rest) problem("a line no client connection accounts for: " + line);
  }
  return problems;
}

std::size_t count_if_result(const std::vector<ConnResult>& results, auto&& predicate) {
  return static_cast<std::size_t>(std::ranges::count_if(results, predicate));
}

TEST_F(WorkersTest, RotationsInstanceChangesAndDrainUnderConcurrentLoadLoseNoConnection) {
  // The upstream's instances: `a` at first, then `b`, an address nobody listens on, without `a`.
  auto api_a = start_api_instance();
  auto api_b = start_api_instance();
  ASSERT_NO_FATAL_FAILURE(register_api("api-a", api_a.port));
  const auto dead_port = unused_loopback_port();

  start_proxy_args({"-service", "db", "-service-addr", echo_addr_, "-listen", "127.0.0.1:0",
                    "-upstream", "api:0", "-http-addr", agent_.base_url(), "-workers",
                    std::to_string(kWorkers), "-drain-timeout", "60s"});
  ASSERT_NE(proxy_port_, 0);
  const auto upstream_line = proxy_line("event=listening listener=upstream upstream=api");
  const auto upstream_port = port_of(field(upstream_line, "addr"));
  EXPECT_EQ(field(proxy_line("event=listening listener=public"), "workers"),
            std::to_string(kWorkers));
  ASSERT_NO_FATAL_FAILURE(expect_instances(1, 1));
  const std::string first_db_serial = leaf_serial("db");

  Load load{proxy_port_, upstream_port, client_context("web")};
  std::string serial_1;  // db's leaf after the first rotation
  std::string serial_2;  // ... and after the second
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kInboundThreads + kOutboundThreads; ++t) {
      const auto direction = t < kInboundThreads ? Direction::inbound : Direction::outbound;
      threads.emplace_back(
          [&load, direction, t](const std::stop_token& stop) { load.run(direction, t, stop); });
    }
    const int all = kInboundThreads + kOutboundThreads;
    const auto progress = [&load, all] { return load.wait_for_progress(all, 120s); };
    ASSERT_TRUE(progress());

    ASSERT_NO_FATAL_FAILURE(register_api("api-b", api_b.port));
    ASSERT_NO_FATAL_FAILURE(expect_instances(2, 1));
    ASSERT_TRUE(progress());

    // Rotation 1: callers keep the old identity until they see the sidecar's new leaf.
    serial_1 = rotate_and_wait({api_a.sidecar.get(), api_b.sidecar.get()});
    ASSERT_NE(serial_1, first_db_serial);
    load.set_web_context(client_context("web"));
    ASSERT_TRUE(progress());

    ASSERT_NO_FATAL_FAILURE(register_api("api-dead", dead_port));
    ASSERT_NO_FATAL_FAILURE(expect_instances(3, 1));
    ASSERT_NO_FATAL_FAILURE(deregister_api("api-a"));
    ASSERT_NO_FATAL_FAILURE(expect_instances(2, 2));
    // Two rounds of progress: each thread runs a whole batch while `b` and `dead` are listed,
    // and the round robin alternates between them, so some connections try `dead` first.
    ASSERT_TRUE(progress());
    ASSERT_TRUE(progress());

    // Rotation 2, while `dead` is still listed.
    serial_2 = rotate_and_wait({api_a.sidecar.get(), api_b.sidecar.get()});
    ASSERT_NE(serial_2, serial_1);
    load.set_web_context(client_context("web"));
    ASSERT_TRUE(progress());
    ASSERT_TRUE(progress());

    ASSERT_NO_FATAL_FAILURE(deregister_api("api-dead"));
    ASSERT_NO_FATAL_FAILURE(expect_instances(1, 2));
    ASSERT_TRUE(progress());
  }  // the client threads stop after their current batch

  // Drain: connections open across SIGTERM finish their exchange and close normally.
  auto open_inbound = load.open(Direction::inbound, kDrainStreams, "drain-in");
  auto open_outbound = load.open(Direction::outbound, kDrainStreams, "drain-out");
  proxy_->send_signal(SIGTERM);
  const auto draining = proxy_line("event=draining");
  EXPECT_GE(std::stoi("0" + field(draining, "open")), 2 * kDrainStreams) << draining;
  if (const int late = connect_loopback(proxy_port_); late >= 0) {
    ::close(late);
    ADD_FAILURE() << "the public listener still accepts while draining";
  }
  for (auto* streams : {&open_inbound, &open_outbound}) {
    for (std::size_t i = 0; i < streams->size(); ++i) {
      Stream& stream = *(*streams)[i];
      Load::round(stream, "drained-c" + std::to_string(i) + "-r1", 2);
      load.close_and_record(stream);
      EXPECT_TRUE(stream.result.echoed) << describe(stream.result);
    }
  }
  EXPECT_EQ(proxy_->terminate(60s), 0) << proxy_->output();
  const auto output = proxy_->output();
  EXPECT_NE(output.find("event=stopped"), std::string::npos);
  EXPECT_EQ(output.find("event=drain_timeout"), std::string::npos);

  const auto results = load.results();
  for (const auto& problem : account(results, conn_lines_of(output))) ADD_FAILURE() << problem;
  const auto echoed = [](Direction d) {
    return [d](const ConnResult& r) { return r.echoed && r.direction == d; };
  };
  EXPECT_GT(count_if_result(results, echoed(Direction::inbound)), 0U);
  EXPECT_GT(count_if_result(results, echoed(Direction::outbound)), 0U);

  // Every rotation was picked up: callers were served the sidecar's new leaves, and the
  // sidecar dialed its upstream with its newest one.
  for (const auto& serial : {first_db_serial, serial_1, serial_2}) {
    EXPECT_GT(count_if_result(
                  results,
                  [&serial](const ConnResult& r) { return r.echoed && r.server_serial == serial; }),
              0U)
        << "no inbound connection was served with leaf " << serial;
  }
  EXPECT_TRUE(api_b.sidecar->wait_for_line(" serial=" + serial_2 + " reason=", 20s))
      << "api-b never saw the sidecar's newest leaf:\n"
      << api_b.sidecar->output();

  // The instance changes were followed: `b` served connections, and `dead` was tried, named in
  // the reason, and the connection retried elsewhere.
  EXPECT_NE(output.find("instance=127.0.0.1:" + std::to_string(api_b.port)), std::string::npos);
  EXPECT_NE(output.find("attempts=2 reason=\"connect 127.0.0.1:" + std::to_string(dead_port)),
            std::string::npos)
      << output;
}

// A drain that runs out of time cancels what is still open on every worker: each connection is
// ended by the sidecar (close_notify to a caller, FIN on the upstream listener's side), logged as
// cancelled, and the process still exits 0.
TEST_F(WorkersTest, DrainTimeoutCancelsTheOpenConnectionsOfEveryWorker) {
  auto api = start_api_instance();
  ASSERT_NO_FATAL_FAILURE(register_api("api-a", api.port));
  start_proxy_args({"-service", "db", "-service-addr", echo_addr_, "-listen", "127.0.0.1:0",
                    "-upstream", "api:0", "-http-addr", agent_.base_url(), "-workers",
                    std::to_string(kWorkers), "-drain-timeout", "500ms"});
  ASSERT_NE(proxy_port_, 0);
  const auto upstream_port =
      port_of(field(proxy_line("event=listening listener=upstream upstream=api"), "addr"));
  ASSERT_NO_FATAL_FAILURE(expect_instances(1, 1));

  // Twice as many per direction as there are workers: every worker holds some of each.
  Load load{proxy_port_, upstream_port, client_context("web")};
  auto inbound = load.open(Direction::inbound, 2 * kWorkers, "open-in");
  auto outbound = load.open(Direction::outbound, 2 * kWorkers, "open-out");
  for (auto* streams : {&inbound, &outbound}) {
    for (const auto& stream : *streams) ASSERT_EQ(stream->result.error, "");
  }
  proxy_->send_signal(SIGTERM);
  EXPECT_EQ(field(proxy_line("event=drain_timeout"), "cancelled"), std::to_string(4 * kWorkers));
  for (auto* streams : {&inbound, &outbound}) {
    for (const auto& stream : *streams) {
      std::string rest;
      EXPECT_TRUE(stream->read_until_closed(rest)) << describe(stream->result);
      EXPECT_EQ(rest, "") << describe(stream->result);
    }
  }
  EXPECT_EQ(proxy_->terminate(60s), 0) << proxy_->output();
  const auto output = proxy_->output();
  EXPECT_NE(output.find("event=stopped"), std::string::npos);

  auto lines = conn_lines_of(output);
  for (auto* streams : {&inbound, &outbound}) {
    for (const auto& stream : *streams) {
      const auto& r = stream->result;
      const auto& found = lines[{r.direction, r.local_port}];
      ASSERT_EQ(found.size(), 1U) << describe(r) << "\n" << output;
      EXPECT_EQ(field(found.front(), "outcome"), "accepted") << found.front();
      EXPECT_EQ(field(found.front(), "end"), "cancelled") << found.front();
      EXPECT_EQ(field(found.front(), r.direction == Direction::inbound ? "bytes_in" : "bytes_out"),
                std::to_string(r.sent))
          << found.front();
    }
  }
}

}  // namespace
}  // namespace gatehouse::testing
