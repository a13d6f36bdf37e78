#include "proxy/upstream_instances.hpp"

#include "proxy/logger.hpp"

namespace gatehouse::proxy {

std::string UpstreamInstance::address() const {
  const bool v6 = dial.host.find(':') != std::string::npos;
  return (v6 ? "[" + dial.host + "]" : dial.host) + ":" + std::to_string(dial.port);
}

InstanceList to_instances(const std::vector<consul::ServiceEntry>& entries,
                          const std::string& fallback_datacenter) {
  InstanceList out;
  out.reserve(entries.size());
  for (const auto& entry : entries) {
    if (entry.service.port <= 0 || entry.service.port > 65535) continue;  // nothing to dial
    UpstreamInstance instance;
    instance.dial.host = entry.dial_address();
    instance.dial.port = static_cast<std::uint16_t>(entry.service.port);
    instance.expected.datacenter =
        entry.node.datacenter.empty() ? fallback_datacenter : entry.node.datacenter;
    instance.expected.service = entry.identity_service();
    out.push_back(std::move(instance));
  }
  return out;
}

UpstreamInstances::UpstreamInstances(const boost::asio::any_io_executor& executor,
                                     consul::AgentConfig agent, UpstreamConfig upstream)
    : agent_(executor, std::move(agent)),
      targets_(std::make_shared<UpstreamTargets>(std::move(upstream))),
      watch_(
          executor, consul::BlockingMode::index,
          [this](const consul::BlockingParams& p) {
            return agent_.health_connect(config().destination_name, true, consul::to_query(p),
                                         config().datacenter);
          },
          [this](const consul::Blocking<std::vector<consul::ServiceEntry>>& e) { on_entries(e); },
          [this](const consul::ApiError& e, consul::milliseconds retry) {
            log_fields(spdlog::level::warn, LogFields{}
                                                .add("event", "watch_failed")
                                                .add("watch", "upstream")
                                                .add("upstream", config().destination_name)
                                                .add_quoted("error", e.message())
                                                .add("retry_ms", std::int64_t{retry.count()}));
          }) {}

void UpstreamInstances::report_to(const std::shared_ptr<WatchHealth>& health) {
  report_health(watch_, health, "upstream:" + config().destination_name);
}

void UpstreamInstances::start() { watch_.start(); }

void UpstreamInstances::stop() { watch_.stop(); }

void UpstreamInstances::on_entries(
    const consul::Blocking<std::vector<consul::ServiceEntry>>& entries) {
  // The agent's datacenter is what an entry without one lives in (-datacenter, else unknown).
  const auto& dc = config().datacenter;
  auto next = std::make_shared<const InstanceList>(
      to_instances(entries.value, dc.empty() ? agent_.config().datacenter : dc));
  // Same targets: nothing to tell (the first answer is logged even when empty).
  if (const auto previous = targets_->current(); previous && *next == *previous) return;
  std::string list;
  for (const auto& instance : *next) list += (list.empty() ? "" : ",") + instance.address();
  const auto count = std::uint64_t{next->size()};
  targets_->publish(std::move(next));
  log_fields(spdlog::level::info, LogFields{}
                                      .add("event", "upstream_instances")
                                      .add("upstream", config().destination_name)
                                      .add("count", count)
                                      .add("instances", list));
}

}  // namespace gatehouse::proxy
