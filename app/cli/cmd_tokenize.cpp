// ponder-cli tokenize: the token ids of a text, as a JSON array.
#include "args.h"
#include "commands.h"

#include "ponder/engine.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ponder::cli {

int cmd_tokenize(const std::vector<std::string>& argv) {
    Args args(argv, {"special", "bos"}, {"model", "file"});
    std::string path = args.require("model");
    std::string text;
    if (args.has("file")) {
        if (!args.positionals().empty()) throw UsageError("give either TEXT or --file, not both");
        text = read_text_file(args.get("file"));
    } else if (args.positionals().size() == 1) {
        text = args.positionals()[0];
    } else {
        throw UsageError("tokenize needs exactly one TEXT argument or --file F");
    }
    std::string error;
    auto file = gguf_open(path, error);
    if (!file) throw CommandError(error);
    auto tok = Tokenizer::from_gguf(*file, error);
    if (!tok) throw CommandError(path + ": " + error);
    std::vector<int32_t> ids = tok->encode(text, args.has("special"), args.has("bos"));
    std::puts(nlohmann::json(ids).dump().c_str());
    return 0;
}

} // namespace ponder::cli
