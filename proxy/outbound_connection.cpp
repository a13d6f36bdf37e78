#include "proxy/outbound_connection.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <optional>

#include "proxy/deadlines.hpp"
#include "proxy/decision_log.hpp"
#include "proxy/endpoint_text.hpp"
#include "proxy/errc.hpp"
#include "proxy/relay.hpp"
#include "tls/peer_identity.hpp"

namespace gatehouse::proxy {

using Clock = std::chrono::steady_clock;

namespace {

std::int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::string_view relay_end_name(const RelayResult& r) {
  if (r.ec == net::error::operation_aborted) return "cancelled";
  if (r.ended_by == RelayEnd::idle_timeout) return "idle_timeout";
  if (r.ended_by == RelayEnd::client_failed) return "client_error";
  if (r.ec) return "upstream_error";
  return r.client_half_closed ? "client_closed" : "upstream_closed";
}

// A connected, verified TLS stream to one instance, or why not.
struct Attempt {
  std::unique_ptr<TlsSocket> stream;
  std::string dst;     // the presented SPIFFE ID
  std::string reason;  // empty on success
  bool resumed = false;
};

// One name lookup, shared between the waiting attempt and Asio's resolver thread.
struct Lookup {
  explicit Lookup(const net::any_io_executor& executor) : resolver(executor), answered(executor) {}
  tcp::resolver resolver;
  net::steady_timer answered;  // cancelled by the answer
  bool done = false;
  error_code ec;
  std::optional<tcp::endpoint> endpoint;
};

// The instance's address; a DNS name is resolved within `limit`. getaddrinfo cannot be
// cancelled (it runs on Asio's resolver thread until it returns), so the attempt only waits for
// it until the deadline, or until drain cancels the connection; a late answer is dropped.
net::awaitable<std::optional<tcp::endpoint>> resolve_within(const HostPort& where,
                                                            std::chrono::milliseconds limit,
                                                            std::string& reason) {
  error_code ec;
  const auto ip = net::ip::make_address(where.host, ec);
  if (!ec) co_return tcp::endpoint{ip, where.port};
  auto lookup = std::make_shared<Lookup>(co_await net::this_coro::executor);
  lookup->answered.expires_after(limit);
  lookup->resolver.async_resolve(
      where.host, std::to_string(where.port),
      [lookup](const error_code& rec, const tcp::resolver::results_type& results) {
        lookup->done = true;
        lookup->ec = rec;
        if (!rec && !results.empty()) lookup->endpoint = results.begin()->endpoint();
        lookup->answered.cancel();
      });
  co_await lookup->answered.async_wait(tok);
  if (!lookup->done) {
    reason =
        "resolve " + where.host + ": no answer within " + std::to_string(limit.count()) + " ms";
    co_return std::nullopt;
  }
  if (!lookup->endpoint) {
    reason = "resolve " + where.host + ": " +
             (lookup->ec ? lookup->ec.message() : std::string{"no address"});
  }
  co_return lookup->endpoint;
}

net::awaitable<Attempt> try_instance(const UpstreamInstance& instance,
                                     const std::shared_ptr<const tls::TlsContext>& tls,
                                     std::chrono::milliseconds limit) {
  const auto started = Clock::now();
  const auto left = [&] {
    return std::max(
        std::chrono::milliseconds{1},
        limit - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started));
  };
  Attempt attempt;
  const auto endpoint = co_await resolve_within(instance.dial, limit, attempt.reason);
  if (!endpoint) co_return attempt;
  const auto executor = co_await net::this_coro::executor;
  tcp::socket socket{executor};
  if (const error_code ec = co_await connect_within(socket, *endpoint, left())) {
    attempt.reason = "connect " + instance.address() + ": " + ec.message();
    co_return attempt;
  }
  auto stream = std::make_unique<TlsSocket>(std::move(socket), tls->ssl_context().native_handle());
  auto expected = instance.expected;
  expected.trust_domain = tls->trust_domain();  // replaced by the presented one in the check
  // One session per instance and identity; the server's identity is still checked below.
  tls->offer_session(stream->native_handle(),
                     instance.address() + " " + tls::SpiffeId{expected}.to_string());
  if (const error_code ec =
          co_await handshake_within(*stream, left(), net::ssl::stream_base::client)) {
    error_code ignored;
    stream->next_layer().close(ignored);
    attempt.reason =
        "handshake " + instance.address() + ": " +
        (ec == errc::handshake_timeout ? std::string{"no complete TLS handshake in time"}
                                       : ec.message());
    if (const auto detail = stream->handshake_failure_detail(); !detail.empty()) {
      attempt.reason += "; " + detail;
    }
    co_return attempt;
  }
  auto peer = tls::peer_identity(stream->native_handle());
  if (!peer) {
    error_code ignored;
    stream->next_layer().close(ignored);
    attempt.reason = "identity " + instance.address() + ": " + peer.error();
    co_return attempt;
  }
  attempt.dst = peer->id.to_string();
  attempt.resumed = SSL_session_reused(stream->native_handle()) == 1;
  if (auto match = tls::verify_server_identity(peer->id, expected); !match) {
    error_code ignored;
    stream->next_layer().close(ignored);
    attempt.reason = "identity " + instance.address() + ": " + match.error();
    co_return attempt;
  }
  attempt.stream = std::move(stream);
  co_return attempt;
}

}  // namespace

std::vector<std::size_t> attempt_order(std::size_t count, std::uint64_t turn) {
  std::vector<std::size_t> order;
  const std::size_t n = std::min(count, kMaxOutboundAttempts);
  order.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    order.push_back(static_cast<std::size_t>((turn + i) % count));
  }
  return order;
}

std::chrono::milliseconds attempt_budget(std::chrono::milliseconds left,
                                         std::size_t attempts_left) {
  if (left <= std::chrono::milliseconds::zero()) return std::chrono::milliseconds::zero();
  if (attempts_left <= 1) return left;
  return std::max(std::chrono::milliseconds{1},
                  left / static_cast<std::chrono::milliseconds::rep>(attempts_left));
}

net::awaitable<void> serve_outbound(tcp::socket local, std::shared_ptr<Runtime> runtime,
                                    std::shared_ptr<UpstreamTargets> targets,
                                    // Held, not used: the frame owns the registration.
                                    [[maybe_unused]] ConnectionRegistry::Entry entry,
                                    std::uint64_t conn_id) {
  co_await net::this_coro::throw_if_cancelled(false);
  const auto started = Clock::now();
  const ProxyConfig& config = runtime->config;
  const UpstreamConfig& upstream = targets->config();
  ConnRecord rec;
  rec.conn_id = conn_id;
  rec.direction = Direction::outbound;
  rec.upstream = upstream.destination_name;
  rec.dst_service = upstream.destination_name;
  rec.src_service = config.service;
  error_code pec;
  if (const auto remote = local.remote_endpoint(pec); !pec) rec.peer = format_endpoint(remote);
  const auto finish = [&](Outcome outcome, std::string reason) {
    rec.outcome = outcome;
    rec.reason = std::move(reason);
    rec.dur_ms = ms_since(started);
    runtime->report(rec);
  };
  const auto close_local = [&local] {
    error_code ignored;
    local.close(ignored);  // nothing reached the upstream: the client sees EOF
  };

  const auto tls = runtime->client_tls.current();  // this snapshot lives as long as the frame
  if (!tls) {
    close_local();
    finish(Outcome::failed, "not_ready: no TLS certificate loaded yet");
    co_return;
  }
  const auto list = targets->current();
  if (!list) {
    close_local();
    finish(Outcome::failed, "not_ready: the agent has not answered which instances are healthy");
    co_return;
  }
  if (list->empty()) {
    close_local();
    finish(Outcome::failed, "no healthy instances found");  // Consul's text
    co_return;
  }

  const auto deadline = started + upstream.connect_timeout;
  const auto order = attempt_order(list->size(), targets->next_turn());
  Attempt attempt;
  std::string reasons;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const auto budget = attempt_budget(left, order.size() - i);
    if (budget <= std::chrono::milliseconds::zero()) break;
    const UpstreamInstance& instance = (*list)[order[i]];
    rec.instance = instance.address();
    rec.attempts = static_cast<std::int64_t>(i + 1);
    attempt = co_await try_instance(instance, tls, budget);
    if (!attempt.dst.empty()) rec.dst = attempt.dst;
    rec.tls_resumed = attempt.resumed;
    if (attempt.stream) break;
    reasons += (reasons.empty() ? "" : "; ") + attempt.reason;
  }
  if (!attempt.stream) {
    close_local();
    finish(Outcome::failed, reasons.empty() ? "connect_timeout: no time left to dial" : reasons);
    co_return;
  }

  TlsSocket& remote = *attempt.stream;
  const RelayResult result = co_await relay(local, remote, config.timeouts.idle);
  close_local();
  co_await close_tls_within(remote, config.timeouts.tls_shutdown);
  rec.bytes_out = result.to_app;
  rec.bytes_in = result.to_client;
  rec.end = std::string{relay_end_name(result)};
  if (result.ec && result.ec != net::error::operation_aborted &&
      result.ended_by != RelayEnd::idle_timeout) {
    rec.end += ": " + result.ec.message();
  }
  // A retry that succeeded still says what failed first.
  finish(Outcome::accepted, reasons);
}

}  // namespace gatehouse::proxy
