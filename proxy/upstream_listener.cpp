#include "proxy/upstream_listener.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>

#include "proxy/endpoint_text.hpp"
#include "proxy/logger.hpp"
#include "proxy/outbound_connection.hpp"

namespace gatehouse::proxy {

void spawn_outbound(Worker& worker, tcp::socket socket, const std::shared_ptr<Runtime>& runtime,
                    const std::shared_ptr<UpstreamTargets>& targets) {
  const std::uint64_t id = runtime->next_conn_id();
  auto signal = std::make_shared<net::cancellation_signal>();
  auto entry = runtime->registry.add(id, worker.executor(), signal);
  auto slot = signal->slot();
  net::co_spawn(worker.executor(),
                serve_outbound(std::move(socket), runtime, targets, std::move(entry), id),
                net::bind_cancellation_slot(slot, [id, signal](const std::exception_ptr& e) {
                  if (e) log_conn_crashed(id, e);
                }));
}

boost::system::result<std::unique_ptr<UpstreamListener>, std::string> UpstreamListener::bind(
    const boost::asio::any_io_executor& executor, const consul::AgentConfig& agent,
    const UpstreamConfig& upstream) {
  auto listener = TcpListener::bind(executor, upstream.bind);
  if (!listener) return "upstream " + upstream.destination_name + ": " + listener.error();
  return std::make_unique<UpstreamListener>(
      std::move(*listener), std::make_unique<UpstreamInstances>(executor, agent, upstream));
}

void UpstreamListener::start(std::shared_ptr<Runtime> runtime, WorkerPool& pool) {
  instances_->report_to(std::shared_ptr<WatchHealth>{runtime, &runtime->watch_health});
  instances_->start();
  ConnRecord refused;
  refused.direction = Direction::outbound;
  refused.upstream = config().destination_name;
  refused.dst_service = config().destination_name;
  refused.src_service = runtime->config.service;
  listener_->start(
      runtime, pool,
      [runtime, targets = instances_->targets()](Worker& worker, tcp::socket socket) {
        spawn_outbound(worker, std::move(socket), runtime, targets);
      },
      std::move(refused));
  log_fields(spdlog::level::info, LogFields{}
                                      .add("event", "listening")
                                      .add("listener", "upstream")
                                      .add("upstream", config().destination_name)
                                      .add("addr", format_endpoint(local_endpoint())));
}

void UpstreamListener::stop() {
  listener_->stop();
  instances_->stop();
}

}  // namespace gatehouse::proxy
