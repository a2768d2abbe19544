<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ponder::app::ChatController</name>
    <message numerus="yes">
        <source>%1 Retrying in %n s.</source>
        <translation>
            <numerusform>%1 Retrying in %n s.</numerusform>
            <numerusform>%1 Retrying in %n s.</numerusform>
        </translation>
    </message>
</context>
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
<context>
    <name>ponder::app::ProviderEditor</name>
    <message numerus="yes">
        <source>Connected: the server offers %n model(s); %1 added to the list.</source>
        <translation>
            <numerusform>Connected: the server offers %n model; %1 added to the list.</numerusform>
            <numerusform>Connected: the server offers %n models; %1 added to the list.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Connected: the server offers %n model(s).</source>
        <translation>
            <numerusform>Connected: the server offers %n model.</numerusform>
            <numerusform>Connected: the server offers %n models.</numerusform>
        </translation>
    </message>
</context>
</TS>
