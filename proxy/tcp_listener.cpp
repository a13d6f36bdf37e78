#include "proxy/tcp_listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <exception>

#include "common/exception_text.hpp"
#include "common/listening_acceptor.hpp"
#include "proxy/deadlines.hpp"
#include "proxy/endpoint_text.hpp"
#include "proxy/logger.hpp"

namespace gatehouse::proxy {
namespace {

constexpr std::chrono::milliseconds kAcceptErrorPause{100};

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::shared_ptr<Runtime> runtime,
                                 WorkerPool& pool, TcpListener::OnAccept on_accept,
                                 ConnRecord refused) {
  for (;;) {
    Worker& worker = pool.next();
    auto [ec, socket] = co_await acceptor.async_accept(worker.context(), tok);
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      log_fields(spdlog::level::warn,
                 LogFields{}.add("event", "accept_failed").add_quoted("error", ec.message()));
      net::steady_timer pause{acceptor.get_executor(), kAcceptErrorPause};
      co_await pause.async_wait(tok);
      continue;
    }
    if (runtime->registry.size() >= runtime->config.max_connections) {
      ConnRecord rec = refused;
      rec.conn_id = runtime->next_conn_id();
      rec.outcome = Outcome::failed;
      error_code pec;
      if (const auto remote = socket.remote_endpoint(pec); !pec) rec.peer = format_endpoint(remote);
      rec.reason = "connection_limit: " + std::to_string(runtime->config.max_connections) +
                   " connections open";
      socket.close(pec);  // refused before any byte
      runtime->report(rec);
      continue;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay{true}, ignored);  // see connect_within
    on_accept(worker, std::move(socket));
  }
}

}  // namespace

void log_conn_crashed(std::uint64_t conn_id, const std::exception_ptr& e) {
  log_fields(spdlog::level::err, LogFields{}
                                     .add("event", "conn_crashed")
                                     .add("conn", conn_id)
                                     .add_quoted("error", common::exception_text(e)));
}

boost::system::result<std::unique_ptr<TcpListener>, std::string> TcpListener::bind(
    const boost::asio::any_io_executor& executor, const HostPort& address) {
  error_code ec;
  const auto ip = net::ip::make_address(address.host, ec);
  if (ec) return "listen address " + address.host + ": not an IP address";
  const tcp::endpoint endpoint{ip, address.port};
  tcp::acceptor acceptor{executor};
  const auto where = format_endpoint(endpoint);
  if (auto listening = common::listen_on(acceptor, endpoint, where); !listening) {
    return listening.error();
  }
  return std::make_unique<TcpListener>(std::move(acceptor));
}

tcp::endpoint TcpListener::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

void TcpListener::start(std::shared_ptr<Runtime> runtime, WorkerPool& pool, OnAccept on_accept,
                        ConnRecord refused) {
  accepting_ = true;
  net::co_spawn(
      acceptor_.get_executor(),
      accept_loop(acceptor_, std::move(runtime), pool, std::move(on_accept), std::move(refused)),
      [this](const std::exception_ptr& e) {
        accepting_ = false;
        if (e) log_conn_crashed(0, e);
      });
}

void TcpListener::stop() {
  error_code ignored;
  acceptor_.close(ignored);  // ends the accept loop with operation_aborted
}

}  // namespace gatehouse::proxy
