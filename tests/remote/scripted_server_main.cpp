// scripted_sse_server [PORT]: the ScriptedServer as a program, for the ponder-cli tests. Prints
// "listening on PORT" once ready and serves until killed.
#include "scripted_server.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    ponder::testing::ScriptedServer server;
    const quint16 port = argc > 1 ? static_cast<quint16>(QByteArray(argv[1]).toUShort()) : 0;
    if (!server.listen(port)) {
        std::fprintf(stderr, "scripted_sse_server: cannot listen\n");
        return 1;
    }
    std::printf("listening on %u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    return app.exec();
}
