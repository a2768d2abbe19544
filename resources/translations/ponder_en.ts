<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ponder::app::DownloadManager</name>
    <message numerus="yes">
        <source>Gave up after %n attempt(s). The partial download is kept: Resume continues it.</source>
        <translation>
            <numerusform>Gave up after %n attempt. The partial download is kept: Resume continues it.</numerusform>
            <numerusform>Gave up after %n attempts. The partial download is kept: Resume continues it.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ponder::app::ModelLibrary</name>
    <message numerus="yes">
        <source>Added %n model file(s).</source>
        <translation>
            <numerusform>Added %n model file.</numerusform>
            <numerusform>Added %n model files.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Found %n model(s) from Ollama, LM Studio or the Hugging Face cache.</source>
        <translation>
            <numerusform>Found %n model from Ollama, LM Studio or the Hugging Face cache.</numerusform>
            <numerusform>Found %n models from Ollama, LM Studio or the Hugging Face cache.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Found %n new model(s) in %1.</source>
        <translation>
            <numerusform>Found %n new model in %1.</numerusform>
            <numerusform>Found %n new models in %1.</numerusform>
        </translation>
    </message>
</context>
</TS>
