#include "proxy/intention_index.hpp"

#include "consul/intention_decision.hpp"

namespace gatehouse::proxy {
namespace {

std::string_view or_default(std::string_view s) {
  return s.empty() ? consul::kDefaultNamespace : s;
}

}  // namespace

std::string IntentionIndex::key_of(std::string_view partition, std::string_view ns,
                                   std::string_view name) {
  // '/' cannot occur in a partition or namespace name, so the key is unambiguous.
  std::string key{or_default(partition)};
  key += '/';
  key += or_default(ns);
  key += '/';
  key += name;
  return key;
}

IntentionIndex::IntentionIndex(std::span<const consul::Intention> matches) {
  verdicts_.reserve(matches.size());
  for (std::size_t position = 0; position < matches.size(); ++position) {
    const consul::Intention& ixn = matches[position];
    const consul::Decision decision = consul::decision_by(ixn);
    verdicts_.push_back(Verdict{decision.allowed, decision.reason, DecisionSource::local,
                                consul::intention_label(decision.reason)});
    if (!ixn.source_peer.empty() || !ixn.source_sameness_group.empty()) continue;
    if (or_default(ixn.source_ns) == consul::kWildcard || ixn.source_name == consul::kWildcard) {
      wildcards_.push_back({position, ixn});
    } else {
      exact_.try_emplace(key_of(ixn.source_partition, ixn.source_ns, ixn.source_name), position);
    }
  }
}

const Verdict* IntentionIndex::decide(const consul::ServiceRef& caller) const {
  std::optional<std::size_t> first;
  if (const auto it = exact_.find(key_of(caller.partition, caller.ns, caller.name));
      it != exact_.end()) {
    first = it->second;
  }
  for (const auto& w : wildcards_) {
    if (first && w.position > *first) break;
    if (consul::source_matches(w.intention, caller)) {
      first = w.position;
      break;
    }
  }
  return first ? &verdicts_[*first] : nullptr;
}

}  // namespace gatehouse::proxy
