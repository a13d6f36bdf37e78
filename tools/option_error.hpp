#pragma once
// The text of a Boost.Program_options error, for every subcommand's flag errors.
//
// Never call what() on a program_options error: error_with_option_name::what() fills its template
// by replacing each placeholder until none is left (replace_token in Boost's
// libs/program_options/src/value_semantic.cpp), so an argument that itself contains a placeholder
// (`gatehouse proxy -%canonical_option%x`, `-workers %value%`) makes it loop forever.
// option_error_text() fills the same template in one pass: the same words as what() for every
// other argument, and the argument shown as typed.

#include <boost/program_options/errors.hpp>
#include <string>

namespace gatehouse::tools {

// E.g. "unrecognised option '-frobnicate'", "the argument ('x') for option '--workers' is
// invalid", "the required argument for option '--service' is missing".
std::string option_error_text(const boost::program_options::error& error);

}  // namespace gatehouse::tools
