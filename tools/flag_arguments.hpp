#pragma once
// A subcommand's command line as flags only, the way every `consul` command reads its own: parse
// with `style`, refuse positional or unknown arguments ("Should have no non-flag arguments."),
// store into `vm` and (unless the caller has more to store first) notify. Every error comes back
// as one line of text (option_error_text), never as an exception.

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <optional>
#include <span>
#include <string>

namespace gatehouse::tools {

std::optional<std::string> store_flag_arguments(
    std::span<char* const> args, const boost::program_options::options_description& desc, int style,
    boost::program_options::variables_map& vm, bool notify = true);

}  // namespace gatehouse::tools
