#include "proxy/intention_watch.hpp"

#include "proxy/agent_authorizer.hpp"
#include "proxy/logger.hpp"

namespace gatehouse::proxy {

IntentionWatch::IntentionWatch(const boost::asio::any_io_executor& executor,
                               consul::AgentConfig config, std::string service,
                               AgentReachability& reachability, consul::BlockingOptions options)
    : agent_(executor, std::move(config)),
      service_(std::move(service)),
      reachability_(reachability),
      watch_(
          executor, consul::BlockingMode::index,
          [this](const consul::BlockingParams& p) {
            return agent_.intention_match(consul::MatchBy::destination, {service_},
                                          consul::to_query(p));
          },
          [this](const consul::Blocking<std::map<std::string, std::vector<consul::Intention>>>&
                     answer) { on_answer(answer.value, answer.index); },
          [this](const consul::ApiError& e, consul::milliseconds retry) { on_failure(e, retry); },
          options) {}

std::optional<AgentReachability::Outage> IntentionWatch::outage() const {
  return own_outage_.outage();
}

void IntentionWatch::on_answer(const std::map<std::string, std::vector<consul::Intention>>& matches,
                               std::uint64_t index) {
  auto next = std::make_shared<IntentionSet>();
  // Keyed by the name exactly as asked; a missing key is an empty list.
  if (const auto it = matches.find(service_); it != matches.end()) next->matches = it->second;
  next->decisions = IntentionIndex{next->matches};
  next->index = index;
  std::shared_ptr<const IntentionSet> published = std::move(next);
  current_.store(published);
  own_outage_.reached();
  reachability_.reached();
  log_fields(spdlog::level::info, LogFields{}
                                      .add("event", "intentions")
                                      .add("service", service_)
                                      .add("index", published->index)
                                      .add("count", std::uint64_t{published->matches.size()}));
  if (on_change_) on_change_(published);
}

void IntentionWatch::on_failure(const consul::ApiError& error, consul::milliseconds retry_in) {
  own_outage_.failed(error.message());
  if (agent_unreachable(error)) reachability_.failed(error.message());
  log_fields(spdlog::level::warn, LogFields{}
                                      .add("event", "watch_failed")
                                      .add("watch", "intentions")
                                      .add_quoted("error", error.message())
                                      .add("retry_ms", std::int64_t{retry_in.count()}));
}

}  // namespace gatehouse::proxy
