// Outside bytes: what a hostile TLS caller sends the public listener, as the inbound data path
// takes them: the first-byte wait, the TLS server handshake and every later read and write of
// proxy/tls_socket, the caller's identity (tls/peer_identity), and the relay with its closing
// (proxy/inbound_connection.hpp relay_and_close, as serve_inbound runs it) to an app that echoes.
//
// The caller is a real OpenSSL client with a valid leaf of the test CA (CA, server and client
// leaves made ONCE at startup), writing into memory; the input decides what of its output reaches
// the server's socket and when: records split at any byte, bytes held back, dropped, flipped or
// injected (garbage before, inside or after the handshake), application data, a TLS 1.3 key
// update, an early close_notify, the app closing first, and how the caller ends: a TCP half-close
// (possibly mid-record), a full close, or silence (then the connection is cancelled, as the drain
// does; timers never run). Socket pairs stand for the TCP connections; everything runs on one
// io_context driven by hand, one ready handler at a time, with a bound on the handlers per input
// (a spin aborts). OpenSSL's random numbers come from a generator reset for every input, so one
// input always produces the same bytes.
//
// Input: byte 0 = flags (bit 0: the caller offers TLS 1.2 at most; bits 1-2: 0/1 half-close,
// 2 full close, 3 silence; bit 3: the caller resumes the session of a clean handshake made just
// before with the same server context), then operations, each an opcode byte (mod kOps) with its
// arguments:
//   0 send n+1 bytes       1 send all       2 write len+1 bytes (taken from the input)
//   3 write 2-byte len (≤ 16384, generated) 4 flip byte at offset (xor nonzero) of the unsent
//   5 drop n+1 bytes       6 inject len+1 bytes (from the input) before the unsent
//   7 close_notify         8 key update     9 app closes its side    10 half-close now
//   11 caller stops / resumes reading        12 app stops / resumes reading
//   13 renegotiate (TLS 1.2; the server refuses)
// (both read again once the caller's bytes are exhausted: slow readers, not dead ones)
// Before each operation the server runs until it waits, and the caller reads what it got (its
// handshake progresses by itself).
//
// Invariants: no exception escapes; no spin (handler bound); once the caller's bytes are
// exhausted and it has closed (or, when silent, after the drain's cancellation) the connection
// ends, with a reason; the app receives only the caller's plaintext, in order (a prefix of all
// it wrote), and at least every application record that reached the server intact before the
// first flipped, dropped, injected or missing byte (unless the app closed first, the caller
// closed fully, or the drain cut it short); with nothing tampered, exactly those. (Tampering is
// not always fatal: a plaintext record's version bytes are not authenticated and a TLS 1.3 server
// ignores them on the ClientHello, and an injected ChangeCipherSpec record is ignored.)
// the relay's byte count equals what the app received; what the caller gets back is a prefix of
// what the app received (the echo).

#define OPENSSL_SUPPRESS_DEPRECATED  // RAND_METHOD: the one way to make OpenSSL deterministic

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/exception_text.hpp"
#include "fuzz/fuzz_check.hpp"
#include "proxy/deadlines.hpp"
#include "proxy/inbound_connection.hpp"
#include "tls/peer_identity.hpp"
#include "tls/tls_context.hpp"
#include "tools/dev_agent/certificate_authority.hpp"

namespace {

using namespace gatehouse::proxy;
using namespace std::chrono_literals;
namespace tls = gatehouse::tls;
namespace tools = gatehouse::tools;
namespace common = gatehouse::common;

constexpr int kOps = 14;
constexpr std::size_t kMaxHandlers = 100'000;
constexpr int kMaxCancels = 4;
// Every deadline of the data path is this far away: only the drain's cancellation ends a wait.
constexpr std::chrono::milliseconds kNever = 1h;
constexpr std::size_t kMaxRecord = 16384;

// ---- Deterministic randomness for OpenSSL (keys, nonces, randoms, tickets) ----------------------

std::uint64_t rng_state = 0;

int deterministic_bytes(unsigned char* buf, int num) {
  for (int i = 0; i < num; ++i) {
    // splitmix64: not secret, just repeatable.
    std::uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    buf[i] = static_cast<unsigned char>(z ^ (z >> 31U));
  }
  return 1;
}
int deterministic_status() { return 1; }
const RAND_METHOD kDeterministicRand = {nullptr, deterministic_bytes, nullptr,
                                        nullptr, deterministic_bytes, deterministic_status};

// ---- The input, read front to back ------------------------------------------------------------

class Input {
 public:
  explicit Input(std::string_view bytes) : rest_{bytes} {}
  bool empty() const { return rest_.empty(); }
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  std::string_view take(std::size_t n) {
    const auto out = rest_.substr(0, n);
    rest_.remove_prefix(out.size());
    return out;
  }

 private:
  std::string_view rest_;
};

// ---- The caller
// ----------------------------------------------------------------------------------

// One byte the client produced (or the input injected), waiting to be sent.
struct Unit {
  char byte;
  std::int64_t offset;  // in the client's output; -1: injected
  char original;        // what the client wrote there (two flips of one bit restore it)
};

struct AppRecord {
  std::uint64_t end;  // offset just past the record(s) in the client's output
  std::string plaintext;
};

class Caller {
 public:
  Caller(SSL_CTX* ctx, int fd, bool tls12, SSL_SESSION* resume) : fd_{fd}, ssl_{SSL_new(ctx)} {
    FUZZ_CHECK(ssl_ != nullptr, "SSL_new");
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_, in, out);
    in_ = in;
    out_ = out;
    if (tls12) SSL_set_max_proto_version(ssl_, TLS1_2_VERSION);
    if (resume != nullptr) SSL_set_session(ssl_, resume);
    SSL_set_connect_state(ssl_);
  }
  ~Caller() {
    SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }
  Caller(const Caller&) = delete;
  Caller& operator=(const Caller&) = delete;

  // Reads what the server sent and lets the client act on it (handshake, tickets, key updates,
  // the echo, the server's close_notify).
  void pump() {
    if (fd_ >= 0 && !reading_paused_) {
      std::array<char, 16384> buf{};
      for (;;) {
        const ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
        if (n <= 0) break;
        if (!failed_) BIO_write(in_, buf.data(), static_cast<int>(n));
      }
    }
    progress();
  }

  void send(std::size_t n) {
    if (fd_ < 0 || write_closed_) return;
    std::string bytes;
    std::size_t count = 0;
    for (; count < n && count < unsent_.size(); ++count) bytes += unsent_[count].byte;
    if (bytes.empty()) return;
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent <= 0) return;
    for (ssize_t i = 0; i < sent; ++i) {
      const Unit& u = unsent_.front();
      if (!deviated_ && u.offset == static_cast<std::int64_t>(intact_) && u.byte == u.original) {
        ++intact_;
      } else {
        deviated_ = true;
      }
      unsent_.pop_front();
    }
  }
  void send_all() { send(unsent_.size()); }

  void write(std::string_view plaintext) {
    if (!handshake_done_ || failed_ || plaintext.empty()) return;
    collect();
    std::size_t written = 0;
    ERR_clear_error();
    if (SSL_write_ex(ssl_, plaintext.data(), plaintext.size(), &written) != 1) {
      ERR_clear_error();
      collect();
      return;
    }
    collect();
    records_.push_back({produced_, std::string{plaintext.substr(0, written)}});
  }
  void flip(std::size_t at, std::uint8_t mask) {
    if (unsent_.empty()) return;
    Unit& u = unsent_[at % unsent_.size()];
    u.byte = static_cast<char>(static_cast<std::uint8_t>(u.byte) ^ (mask | 1U));
  }
  void drop(std::size_t n) {
    for (std::size_t i = 0; i < n && !unsent_.empty(); ++i) unsent_.pop_front();
  }
  void inject(std::string_view bytes) {
    for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) unsent_.push_front({*it, -1, *it});
  }
  void close_notify() {
    if (!handshake_done_ || failed_) return;
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ERR_clear_error();
    collect();
  }
  void key_update() {
    if (!handshake_done_ || failed_ || SSL_version(ssl_) != TLS1_3_VERSION) return;
    SSL_key_update(ssl_, SSL_KEY_UPDATE_REQUESTED);
    ERR_clear_error();
  }
  void renegotiate() {
    if (!handshake_done_ || failed_ || SSL_version(ssl_) != TLS1_2_VERSION) return;
    ERR_clear_error();
    if (SSL_renegotiate(ssl_) == 1) SSL_do_handshake(ssl_);
    ERR_clear_error();
    collect();
  }
  void half_close() {
    if (fd_ >= 0 && !write_closed_) ::shutdown(fd_, SHUT_WR);
    write_closed_ = true;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    write_closed_ = true;
  }
  bool closed() const { return fd_ < 0; }
  void pause_reading(bool on) { reading_paused_ = on; }
  bool reading_paused() const { return reading_paused_; }

  // The plaintext of every application record that reached the server intact.
  std::string intact_plaintext() const {
    std::string out;
    for (const auto& r : records_) {
      if (r.end <= intact_) out += r.plaintext;
    }
    return out;
  }
  // The plaintext of every application record the client wrote, sent or not.
  std::string all_plaintext() const {
    std::string out;
    for (const auto& r : records_) out += r.plaintext;
    return out;
  }
  bool tampered() const { return deviated_; }
  const std::string& echoed() const { return echoed_; }

 private:
  void progress() {
    if (failed_) return;
    ERR_clear_error();
    if (!handshake_done_) {
      const int ret = SSL_do_handshake(ssl_);
      if (ret == 1) {
        handshake_done_ = true;
      } else {
        const int err = SSL_get_error(ssl_, ret);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) failed_ = true;
      }
    }
    if (handshake_done_) {
      std::array<char, 16384> buf{};
      for (;;) {
        std::size_t n = 0;
        const int ret = SSL_read_ex(ssl_, buf.data(), buf.size(), &n);
        if (ret == 1) {
          echoed_.append(buf.data(), n);
          continue;
        }
        const int err = SSL_get_error(ssl_, ret);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) failed_ = true;
        break;
      }
    }
    ERR_clear_error();
    collect();
  }

  // Moves the client's output into the queue of bytes to send.
  void collect() {
    std::array<char, 16384> buf{};
    for (;;) {
      const int n = BIO_read(out_, buf.data(), static_cast<int>(buf.size()));
      if (n <= 0) break;
      for (int i = 0; i < n; ++i) {
        const char byte = buf[static_cast<std::size_t>(i)];
        unsent_.push_back({byte, static_cast<std::int64_t>(produced_++), byte});
      }
    }
  }

  int fd_;
  SSL* ssl_;
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
  std::deque<Unit> unsent_;
  std::uint64_t produced_ = 0;
  std::uint64_t intact_ = 0;  // the server got the client's output up to here unchanged
  bool deviated_ = false;
  std::vector<AppRecord> records_;
  std::string echoed_;
  bool handshake_done_ = false;
  bool failed_ = false;
  bool write_closed_ = false;
  bool reading_paused_ = false;
};

// ---- The server side: serve_inbound's TLS steps around relay_and_close ------------------------

struct ServerSide {
  bool done = false;
  bool relayed = false;
  bool resumed = false;  // the handshake resumed a session (tls_resumed on the summary line)
  std::string reason;    // why it ended (`end=` for a relayed connection)
  RelayResult result;
};

net::awaitable<void> serve(tcp::socket socket, tcp::socket app, SSL_CTX* ctx, ServerSide& out) {
  co_await net::this_coro::throw_if_cancelled(false);  // as serve_inbound: errors, not throws
  if (const error_code ec =
          co_await first_byte_by(socket, std::chrono::steady_clock::now() + kNever)) {
    out.reason = "handshake: " + ec.message();
    co_return;
  }
  TlsSocket client{std::move(socket), ctx};
  if (const error_code ec = co_await handshake_within(client, kNever)) {
    out.reason = "handshake: " + ec.message();
    if (const auto detail = client.handshake_failure_detail(); !detail.empty()) {
      out.reason += "; " + detail;
    }
    co_return;
  }
  out.resumed = SSL_session_reused(client.native_handle()) == 1;
  const auto peer = tls::peer_identity(client.native_handle());
  if (!peer) {
    co_await close_tls_within(client, kNever);
    out.reason = "identity: " + peer.error();
    co_return;
  }
  Timeouts timeouts;
  timeouts.idle = kNever;
  timeouts.tls_shutdown = kNever;
  const RelayEnding ending = co_await relay_and_close(client, app, timeouts);
  out.relayed = true;
  out.reason = ending.end;
  out.result = ending.result;
}

// ---- The app: echoes until EOF --------------------------------------------------------------

struct App {
  tcp::socket socket;
  net::steady_timer gate;  // waited on while paused; cancelled to resume
  std::string received;
  bool write_closed = false;
  bool paused = false;
  bool done = false;

  void pause(bool on) {
    paused = on;
    if (!on) gate.cancel();
  }
};

net::awaitable<void> echo(App& app) {
  std::array<char, 4096> buf{};
  for (;;) {
    while (app.paused) {
      app.gate.expires_at(net::steady_timer::time_point::max());
      co_await app.gate.async_wait(tok);
    }
    auto [ec, n] = co_await app.socket.async_read_some(net::buffer(buf), tok);
    app.received.append(buf.data(), n);
    if (ec) break;
    if (!app.write_closed) {
      auto [wec, wn] = co_await net::async_write(app.socket, net::buffer(buf.data(), n), tok);
      if (wec) app.write_closed = true;
    }
  }
  error_code ignored;
  app.socket.shutdown(tcp::socket::shutdown_send, ignored);
  app.done = true;
}

// ---- One input ------------------------------------------------------------------------------

struct Material {
  std::optional<tools::CertificateAuthority> ca;
  tls::LeafMaterial server_leaf;
  tls::TrustMaterial trust;
  std::shared_ptr<const tls::TlsContext> client;
};

const Material& material() {
  static const Material m = [] {
    std::signal(SIGPIPE, SIG_IGN);  // as `gatehouse` does: a closed peer is an error, not a signal
    RAND_set_rand_method(&kDeterministicRand);
    Material out;
    tools::CaOptions options;
    options.cluster_id = "11111111-2222-3333-4444-555555555555";
    const auto now = std::chrono::system_clock::now();
    auto ca = tools::CertificateAuthority::create(options, now);
    FUZZ_CHECK(ca.has_value(), ca ? std::string{} : ca.error());
    out.trust = {{ca->root_cert_pem()}, ca->trust_domain()};
    const auto leaf = [&](const char* service, std::uint64_t serial) {
      auto issued = ca->issue_leaf(tls::SpiffeId::for_service(ca->trust_domain(), "dc1", service),
                                   72h, now, serial);
      FUZZ_CHECK(issued.has_value(), issued ? std::string{} : issued.error());
      return tls::LeafMaterial{issued->cert_pem, issued->private_key_pem};
    };
    out.server_leaf = leaf("db", 2);
    auto client = tls::TlsContext::build(tls::Role::client, leaf("web", 3), out.trust);
    FUZZ_CHECK(client.has_value(), client ? std::string{} : client.error());
    out.client = *client;
    out.ca.emplace(std::move(*ca));
    return out;
  }();
  return m;
}

class Run {
 public:
  explicit Run(const Material& m) {
    // A fresh server context per input: its session cache starts empty every time.
    auto server = tls::TlsContext::build(tls::Role::server, m.server_leaf, m.trust);
    FUZZ_CHECK(server.has_value(), server ? std::string{} : server.error());
    server_ = *server;
  }

  struct SessionFree {
    void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
  };
  using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;

  // A clean handshake in memory with this input's server context; the session it gives the
  // client (the server keeps its half in the context's cache), for the caller to resume.
  SessionPtr prime_session(SSL_CTX* client_ctx, bool tls12) {
    SSL* server = SSL_new(server_->ssl_context().native_handle());
    SSL* client = SSL_new(client_ctx);
    FUZZ_CHECK(server != nullptr && client != nullptr, "SSL_new");
    SSL_set_bio(server, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_bio(client, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    if (tls12) SSL_set_max_proto_version(client, TLS1_2_VERSION);
    SSL_set_accept_state(server);
    SSL_set_connect_state(client);
    const auto move = [](SSL* from, SSL* to) {
      std::array<char, 4096> buf{};
      const int size = static_cast<int>(buf.size());
      for (int n = 0; (n = BIO_read(SSL_get_wbio(from), buf.data(), size)) > 0;) {
        BIO_write(SSL_get_rbio(to), buf.data(), n);
      }
    };
    for (int round = 0; round < 8; ++round) {  // a handshake takes 2-3 flights
      SSL_do_handshake(client);
      std::array<char, 1> sink{};
      std::size_t n = 0;
      if (SSL_is_init_finished(client) == 1) SSL_read_ex(client, sink.data(), 1, &n);  // tickets
      move(client, server);
      SSL_do_handshake(server);
      move(server, client);
    }
    ERR_clear_error();
    SessionPtr session{SSL_get1_session(client)};
    FUZZ_CHECK(session != nullptr && SSL_SESSION_is_resumable(session.get()) == 1,
               "the priming handshake left no session to resume");
    // Freed without a shutdown, OpenSSL would drop the session from both sides as "bad".
    SSL_set_shutdown(client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_set_shutdown(server, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(client);
    SSL_free(server);
    return session;
  }

  void run(Input& input) {
    const std::uint8_t flags = input.byte();
    const int ending = (flags >> 1U) & 3U;
    std::array<int, 2> caller_pair{};
    std::array<int, 2> app_pair{};
    FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM, 0, caller_pair.data()) == 0, "socketpair");
    FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM, 0, app_pair.data()) == 0, "socketpair");
    const bool tls12 = (flags & 1U) != 0;
    SSL_CTX* client_ctx = material().client->ssl_context().native_handle();
    SessionPtr session;
    if ((flags & 8U) != 0) session = prime_session(client_ctx, tls12);
    Caller caller{client_ctx, caller_pair[0], tls12, session.get()};
    tcp::socket server_socket{io_};
    server_socket.assign(tcp::v4(), caller_pair[1]);
    tcp::socket relay_app{io_};
    relay_app.assign(tcp::v4(), app_pair[0]);
    App app{tcp::socket{io_}, net::steady_timer{io_}, {}, false, false, false};
    app.socket.assign(tcp::v4(), app_pair[1]);

    net::cancellation_signal drain;
    net::co_spawn(io_,
                  serve(std::move(server_socket), std::move(relay_app),
                        server_->ssl_context().native_handle(), outcome_),
                  net::bind_cancellation_slot(drain.slot(), [this](const std::exception_ptr& e) {
                    rethrow_as_failure(e);
                    outcome_.done = true;
                  }));
    net::co_spawn(io_, echo(app), [](const std::exception_ptr& e) { rethrow_as_failure(e); });

    bool app_closed_first = false;
    while (!input.empty()) {
      settle(caller);
      switch (input.byte() % kOps) {
        case 0:
          caller.send(std::size_t{input.byte()} + 1);
          break;
        case 1:
          caller.send_all();
          break;
        case 2:
          caller.write(input.take(std::size_t{input.byte()} + 1));
          break;
        case 3: {
          const std::size_t high = input.byte();
          const std::size_t len = (high << 8U | input.byte()) % kMaxRecord + 1;
          std::string data(len, '\0');
          for (std::size_t i = 0; i < len; ++i) data[i] = static_cast<char>('a' + i % 26);
          caller.write(data);
          break;
        }
        case 4: {
          const std::size_t at = input.byte();
          caller.flip(at, input.byte());
          break;
        }
        case 5:
          caller.drop(std::size_t{input.byte()} + 1);
          break;
        case 6:
          caller.inject(input.take(std::size_t{input.byte()} + 1));
          break;
        case 7:
          caller.close_notify();
          break;
        case 8:
          caller.key_update();
          break;
        case 9:
          if (!app.write_closed) {
            error_code ignored;
            app.socket.shutdown(tcp::socket::shutdown_send, ignored);
            app.write_closed = true;
            app_closed_first = !outcome_.done;
          }
          break;
        case 10:
          caller.half_close();
          break;
        case 11:
          caller.pause_reading(!caller.reading_paused());
          break;
        case 12:
          app.pause(!app.paused);
          break;
        default:
          caller.renegotiate();
          break;
      }
    }
    caller.pause_reading(false);
    app.pause(false);
    settle(caller);

    // The caller's bytes are exhausted: it closes, or falls silent and the drain cancels.
    bool cancelled = false;
    if (ending == 2) {
      caller.close();
    } else if (ending < 2) {
      caller.half_close();
    }
    settle(caller);
    if (ending == 3) {
      for (int i = 0; i < kMaxCancels && !outcome_.done; ++i) {
        drain.emit(net::cancellation_type::terminal);
        cancelled = true;
        settle(caller);
      }
    }
    FUZZ_CHECK(outcome_.done, "the connection did not end once the caller's bytes were exhausted");
    FUZZ_CHECK(!outcome_.reason.empty(), "the connection ended without a reason");
    // The server's sockets are closed: the app sees its EOF.
    settle(caller);
    FUZZ_CHECK(app.done, "the app connection was left open");

    const std::string intact = caller.intact_plaintext();
    const std::string written = caller.all_plaintext();
    const bool may_be_cut = app_closed_first || cancelled || ending == 2;
    const std::string detail =
        "end=" + outcome_.reason + " app got " + std::to_string(app.received.size()) + " bytes; " +
        std::to_string(intact.size()) + " arrived intact, " + std::to_string(written.size()) +
        " written" + (caller.tampered() ? ", tampered" : "") +
        (outcome_.resumed ? ", resumed" : "");
    if (std::getenv("FUZZ_TRACE") != nullptr) {  // what happened, when reproducing by hand
      std::fprintf(stderr, "tls_peer: %s; echoed %zu\n", detail.c_str(), caller.echoed().size());
    }
    FUZZ_CHECK(written.starts_with(app.received), detail + " (not the caller's plaintext)");
    if (!caller.tampered()) FUZZ_CHECK(intact.starts_with(app.received), detail);
    if (!may_be_cut) FUZZ_CHECK(app.received.starts_with(intact), detail + " (intact bytes lost)");
    if (outcome_.relayed) {
      FUZZ_CHECK(outcome_.result.to_app == app.received.size(), detail);
    } else {
      FUZZ_CHECK(app.received.empty(), detail);
    }
    FUZZ_CHECK(app.received.starts_with(caller.echoed()), detail + " (echo)");
  }

 private:
  static void rethrow_as_failure(const std::exception_ptr& e) {
    if (e) FUZZ_CHECK(false, "exception escaped: " + common::exception_text(e));
  }

  // Runs ready handlers until everything waits, letting the caller read and answer between
  // rounds, until neither side moves.
  void settle(Caller& caller) {
    for (;;) {
      std::size_t ran = 0;
      for (;;) {
        if (io_.stopped()) io_.restart();
        const std::size_t n = io_.poll_one();
        if (n == 0) break;
        ran += n;
        handlers_ += n;
        FUZZ_CHECK(handlers_ < kMaxHandlers,
                   "the connection keeps running without progress (spin)");
      }
      caller.pump();
      if (ran == 0) {
        if (io_.stopped()) io_.restart();
        if (io_.poll_one() == 0) return;  // the caller's answer woke nothing either
        ++handlers_;
      }
    }
  }

  net::io_context io_;
  std::shared_ptr<const tls::TlsContext> server_;
  ServerSide outcome_;
  std::size_t handlers_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Material& m = material();
  rng_state = 0;  // every input sees the same random numbers
  Input input{std::string_view{reinterpret_cast<const char*>(data), size}};
  Run run{m};
  run.run(input);
  return 0;
}
