#include "proxy/listener_set.hpp"

#include <algorithm>

#include "proxy/endpoint_text.hpp"
#include "proxy/logger.hpp"

namespace gatehouse::proxy {

ListenerSet::ListenerSet(boost::asio::any_io_executor control, consul::AgentConfig agent,
                         std::shared_ptr<Runtime> runtime, WorkerPool& pool)
    : control_(std::move(control)),
      agent_(std::move(agent)),
      runtime_(std::move(runtime)),
      pool_(pool) {}

boost::system::result<void, std::string> ListenerSet::apply(const ProxyConfig& config) {
  std::erase_if(retired_, [](const auto& listener) { return listener->stopped(); });
  std::erase_if(retired_public_, [](const auto& listener) { return listener->stopped(); });
  std::string failures;
  const auto failed = [&failures](const std::string& why) {
    failures += (failures.empty() ? "" : "; ") + why;
  };

  // Public listener: kept when its address is the same, else rebound.
  const bool public_same = config.has_listener && public_ && public_addr_ == config.listen;
  if (!public_same) {
    if (public_) {
      log_fields(spdlog::level::info, LogFields{}
                                          .add("event", "listener_stopped")
                                          .add("listener", "public")
                                          .add("addr", format_endpoint(public_->local_endpoint())));
      public_->stop();
      retired_public_.push_back(std::move(public_));  // its accept loop ends later
      public_started_ = false;
    }
    if (config.has_listener) {
      auto bound = InboundListener::bind(control_, config.listen);
      if (bound) {
        public_ = std::move(*bound);
        public_addr_ = config.listen;
        if (ready_) start_public();
      } else {
        failed(bound.error());
      }
    }
  }

  // Upstreams: equal configs are kept; the rest stop; new ones are bound and started.
  std::vector<std::unique_ptr<UpstreamListener>> kept;
  for (auto& listener : upstreams_) {
    if (std::ranges::find(config.upstreams, listener->config()) != config.upstreams.end()) {
      kept.push_back(std::move(listener));
      continue;
    }
    log_fields(spdlog::level::info, LogFields{}
                                        .add("event", "listener_stopped")
                                        .add("listener", "upstream")
                                        .add("upstream", listener->config().destination_name)
                                        .add("addr", format_endpoint(listener->local_endpoint())));
    listener->stop();
    retired_.push_back(std::move(listener));
  }
  upstreams_ = std::move(kept);
  for (const auto& upstream : config.upstreams) {
    const bool running = std::ranges::any_of(
        upstreams_, [&](const auto& listener) { return listener->config() == upstream; });
    if (running) continue;
    auto bound = UpstreamListener::bind(control_, agent_, upstream);
    if (!bound) {
      failed(bound.error());
      continue;
    }
    (*bound)->start(runtime_, pool_);
    upstreams_.push_back(std::move(*bound));
  }
  if (!failures.empty()) return failures;
  return {};
}

void ListenerSet::tls_ready() {
  ready_ = true;
  if (public_ && !public_started_) start_public();
}

void ListenerSet::start_public() {
  public_->start(runtime_, pool_);
  public_started_ = true;
  log_fields(spdlog::level::info, LogFields{}
                                      .add("event", "listening")
                                      .add("listener", "public")
                                      .add("addr", format_endpoint(public_->local_endpoint()))
                                      .add("service", runtime_->config.service)
                                      .add("workers", std::uint64_t{pool_.size()}));
}

void ListenerSet::stop() {
  if (public_) public_->stop();
  for (auto& listener : upstreams_) listener->stop();
}

std::optional<tcp::endpoint> ListenerSet::public_endpoint() const {
  if (!public_) return std::nullopt;
  return public_->local_endpoint();
}

std::vector<tcp::endpoint> ListenerSet::upstream_endpoints() const {
  std::vector<tcp::endpoint> out;
  for (const auto& listener : upstreams_) out.push_back(listener->local_endpoint());
  return out;
}

}  // namespace gatehouse::proxy
