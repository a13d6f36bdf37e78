#pragma once
// One probe run against an agent: find the services, ask the intentions what each pair should
// do, then connect for every pair at once and classify what happened.
//
//   auto report = run_probe(agent_config, settings);   // blocks for about settle + a little
//   if (!report) { std::cerr << report.error(); return 2; }

#include <boost/system/result.hpp>
#include <string>

#include "consul/agent_config.hpp"
#include "tools/probe/probe_options.hpp"
#include "tools/probe/probe_report.hpp"

namespace gatehouse::tools {

// Errors (agent down, a leaf that cannot be fetched, no services found) are one line:
// "agent: connect: ..." etc. A destination that cannot be reached is not an error: the pair is
// `unreachable` in the report.
boost::system::result<ProbeReport, std::string> run_probe(const consul::AgentConfig& agent,
                                                          const ProbeSettings& settings);

}  // namespace gatehouse::tools
