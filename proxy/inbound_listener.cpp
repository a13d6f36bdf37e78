#include "proxy/inbound_listener.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <exception>

#include "proxy/decision_log.hpp"
#include "proxy/inbound_connection.hpp"

namespace gatehouse::proxy {

void spawn_inbound(Worker& worker, tcp::socket socket, const std::shared_ptr<Runtime>& runtime) {
  const std::uint64_t id = runtime->next_conn_id();
  auto signal = std::make_shared<net::cancellation_signal>();
  auto entry = runtime->registry.add(id, worker.executor(), signal);
  auto slot = signal->slot();
  net::co_spawn(worker.executor(),
                serve_inbound(std::move(socket), runtime, worker.authorizer(), worker.handshakes(),
                              std::move(entry), id),
                net::bind_cancellation_slot(slot, [id, signal](const std::exception_ptr& e) {
                  if (e) log_conn_crashed(id, e);
                }));
}

boost::system::result<std::unique_ptr<InboundListener>, std::string> InboundListener::bind(
    const boost::asio::any_io_executor& executor, const HostPort& address) {
  auto listener = TcpListener::bind(executor, address);
  if (!listener) return listener.error();
  return std::make_unique<InboundListener>(std::move(*listener));
}

void InboundListener::start(std::shared_ptr<Runtime> runtime, WorkerPool& pool) {
  ConnRecord refused;
  refused.dst_service = runtime->config.service;
  listener_->start(
      runtime, pool,
      [runtime](Worker& worker, tcp::socket socket) {
        spawn_inbound(worker, std::move(socket), runtime);
      },
      std::move(refused));
}

}  // namespace gatehouse::proxy
