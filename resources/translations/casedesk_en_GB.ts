<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
<context>
    <name>HomePage</name>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="87"/>
        <source>Search all your cases: file name, exhibit reference, SHA-256 or note text (Ctrl+Shift+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="89"/>
        <source>Search all cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="97"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="110"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="146"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="162"/>
        <source>Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="97"/>
        <source>Found by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="97"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="162"/>
        <source>Exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="98"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="162"/>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="98"/>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="98"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="102"/>
        <source>Search results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="110"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="404"/>
        <source>Query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="110"/>
        <source>Asked by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="111"/>
        <source>Asked (UK)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="111"/>
        <source>Question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="112"/>
        <source>Open queries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="120"/>
        <source>Your answer to the selected query (added to the case as a note)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="121"/>
        <source>Answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="123"/>
        <source>A&amp;nswer query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="125"/>
        <source>Answer the selected query: a signed note that names the query and closes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="132"/>
        <source>Your queries waiting for an answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="133"/>
        <source>Queries for you to answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="146"/>
        <source>Entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="147"/>
        <source>Cases awaiting your review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="149"/>
        <source>Waiting for your review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="155"/>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="155"/>
        <source>Operation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="155"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="156"/>
        <source>Exhibits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="156"/>
        <source>To review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="156"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="158"/>
        <source>Your cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="163"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="163"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="166"/>
        <source>Exhibits checked out to you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="170"/>
        <source>Enter or double-click opens a row; New case: Ctrl+N; back here: Alt+Home.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="208"/>
        <source>&amp;Continue with {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="209"/>
        <source>Open the case you last worked on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="231"/>
        <source>Home</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="244"/>
        <source>Custody entry {seq}; about the case&apos;s entries up to {up_to}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="259"/>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="259"/>
        <source>closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="271"/>
        <source>No open query.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="272"/>
        <source>No query waits for your answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="273"/>
        <source>Nothing waits for your review.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="274"/>
        <source>You are not a member of any case yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="275"/>
        <source>No exhibit is checked out to you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="295"/>
        <source>&lt;b&gt;{name}&lt;/b&gt;: {cases} case(s) wait for your review; {queries} of your queries wait for an answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="299"/>
        <source>&lt;b&gt;{name}&lt;/b&gt;: {cases} case(s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="300"/>
        <source>&lt;b&gt;{name}&lt;/b&gt;: {queries} open quer(ies) for you to answer; {lent} exhibit(s) checked out to you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="322"/>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="328"/>
        <source>note by {author}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="333"/>
        <source>withdrawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="334"/>
        <source>sensitive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="345"/>
        <source>{n} result(s) for “{text}”; Enter or double-click opens one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="347"/>
        <source>More were found: type more of the text to narrow them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="349"/>
        <source>Notes not searched (key not yet granted to you): {cases}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="351"/>
        <source>Nothing found for “{text}”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="381"/>
        <source>No query is selected: there is nothing to answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="383"/>
        <source>Answer query {seq} on {case}: a signed note that names the query and closes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="408"/>
        <source>Query {seq} on {case} answered (custody entry {entry}).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IngestDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="115"/>
        <source>Describe each &amp;file separately</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="118"/>
        <source>List every file the folders hold, each with a description of its own (it starts as the description above and the file&apos;s name), so that the exhibits can be told apart in the register and the bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="123"/>
        <source>Description of each file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="124"/>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="124"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="124"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="125"/>
        <source>Description (double-click or F2 to edit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="292"/>
        <source>Listing the files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="303"/>
        <source>Ingest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="334"/>
        <source>The description of {path} in the register and the exhibit list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="340"/>
        <source>{count} file(s) — each gets the description in its row; edit any of them. Files in a folder are listed as the register will show them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="399"/>
        <source>The files are still being listed; ingest once every file has its row.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
