<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
<context>
    <name>AddMemberDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/add_member.py" line="16"/>
        <source>Add a member to {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/add_member.py" line="16"/>
        <source>&amp;Add member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/add_member.py" line="21"/>
        <source>The user who may see and work on this case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/add_member.py" line="25"/>
        <source>&amp;User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/add_member.py" line="27"/>
        <source>Every active detective and supervisor is already a member.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/add_member.py" line="33"/>
        <source>choose a user</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AddUserDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="57"/>
        <source>Add user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="57"/>
        <source>&amp;Add user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="61"/>
        <source>e.g. jsmith</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="67"/>
        <source>from the full name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="68"/>
        <source>2-4 capital letters; they prefix the user&apos;s exhibit references (JAS/1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="72"/>
        <source>&amp;User name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="72"/>
        <source>&amp;Full name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="73"/>
        <source>&amp;Initials:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="73"/>
        <source>&amp;Role:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="74"/>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="74"/>
        <source>R&amp;epeat password:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AsAtField</name>
    <message>
        <location filename="../../casedesk/ui/forms.py" line="151"/>
        <source>As a&amp;t an earlier time:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/forms.py" line="153"/>
        <source>Make the document from the case as it stood at that time, e.g. to produce again one exported before (the same time gives the same file). Unticked: as at now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/forms.py" line="158"/>
        <source>As at (UK time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/forms.py" line="161"/>
        <source>UK local time (GMT or BST as in force at that date); the export records it in UTC. Type the day, month, year, hours, minutes and seconds; ← → move between them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/forms.py" line="166"/>
        <source>UK time</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CaseListPanel</name>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="36"/>
        <source>All cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="37"/>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="38"/>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="49"/>
        <source>Search cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="50"/>
        <source>Search reference, operation or offence (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="53"/>
        <source>Shows cases whose reference, operation name or offences contain this text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="56"/>
        <source>Case status filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="59"/>
        <source>Show open cases, closed cases or both</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="62"/>
        <source>Officer in charge filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="63"/>
        <source>Show only cases with this officer in charge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="64"/>
        <source>Any officer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="70"/>
        <source>Officers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="79"/>
        <source>Cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="105"/>
        <source>Show {column}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="128"/>
        <source>&lt;b&gt;Cases&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_list.py" line="159"/>
        <source>Case list</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/partials/case_list.py" line="164"/>
        <source>%n case</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/partials/case_list.py" line="164"/>
        <source>%n cases</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="15"/>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="15"/>
        <source>Operation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="16"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="16"/>
        <source>OIC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="17"/>
        <source>Exhibits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="17"/>
        <source>To review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="18"/>
        <source>Opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="76"/>
        <source>Officer in charge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="78"/>
        <source>Offences:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="80"/>
        <source>{n} custody entries not yet reviewed by a supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/case_model.py" line="88"/>
        <source>{case} is {status}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/password.py" line="18"/>
        <source>At least {n} characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/password.py" line="26"/>
        <source>the two passwords differ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/password.py" line="32"/>
        <source>Change password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/password.py" line="32"/>
        <source>&amp;Change password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/password.py" line="34"/>
        <source>Your current password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/password.py" line="37"/>
        <source>C&amp;urrent password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/password.py" line="38"/>
        <source>&amp;New password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/password.py" line="39"/>
        <source>&amp;Repeat new password:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CloseCaseDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="14"/>
        <source>Close case {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="14"/>
        <source>&amp;Close case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="17"/>
        <source>Closing &lt;b&gt;{case}&lt;/b&gt; ({title}) ends work on it; the custody log keeps the record.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="23"/>
        <source>Why the case is closed before every custody entry was reviewed (recorded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="25"/>
        <source>{n} custody entries are unreviewed: give a reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="27"/>
        <source>Override &amp;reason:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Conflicts</name>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="22"/>
        <source>no such exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="25"/>
        <source>{custodian} at {location}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="29"/>
        <source>checked out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="31"/>
        <source>sensitive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="33"/>
        <source>withdrawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="39"/>
        <source>This log: no such exhibit (it exists only in the other copy).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="42"/>
        <source>This log: {state}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="43"/>
        <source>This log (entry {seq}): {state}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="48"/>
        <source>The installation&apos;s other copy (its entry {seq}, {action}, hash {hash}): {state}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="56"/>
        <source>Open custody conflict on {exhibit} (recorded by entry {record}):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/conflicts.py" line="62"/>
        <source>A supervisor resolves it: Custody › Resolve custody conflict…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CopyField</name>
    <message>
        <location filename="../../casedesk/ui/partials/copy_field.py" line="24"/>
        <source>Copy the {label} to the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/copy_field.py" line="25"/>
        <source>Copy {label}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CorrectEntryDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/correct_entry.py" line="15"/>
        <source>Correct custody entry {seq}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/correct_entry.py" line="15"/>
        <source>&amp;Record correction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/correct_entry.py" line="21"/>
        <source>Entry &lt;b&gt;{seq}&lt;/b&gt;: {action} by {actor}, {when}&lt;br&gt;{what}&lt;br&gt;&lt;br&gt;The entry stays as it was written; your correction is a new signed entry that names it, shown beside it in the log and in the bundle.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/correct_entry.py" line="31"/>
        <source>What was wrong and what is right, e.g. the seal number is MPS-004418, not MPS-004481</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/correct_entry.py" line="34"/>
        <source>&amp;Correction:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CustodyMoveDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="18"/>
        <source>Transfer {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="19"/>
        <source>&amp;Transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="20"/>
        <source>Hand the exhibit to another officer or a place (e.g. property store)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="22"/>
        <source>e.g. lodged in the property store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="23"/>
        <source>Check out {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="24"/>
        <source>&amp;Check out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="25"/>
        <source>Lend the exhibit (e.g. to a forensic lab) until it is returned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="27"/>
        <source>e.g. sent for forensic examination</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="28"/>
        <source>Return {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="29"/>
        <source>&amp;Record return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="30"/>
        <source>Record that the checked-out exhibit came back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="31"/>
        <source>e.g. examination complete, seal intact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="35"/>
        <source>Hand the exhibits to another officer or a place (e.g. property store)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="37"/>
        <source>Lend the exhibits (e.g. to a forensic lab) until they are returned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="39"/>
        <source>Record that the checked-out exhibits came back</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="54"/>
        <source> and %n more</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="55"/>
        <source>%n exhibits</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="67"/>
        <source>{custodian} (checked out)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="69"/>
        <source>location not recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="70"/>
        <source>Current custodian:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="75"/>
        <source>A case member&apos;s user name, or a place such as &apos;Property store, Lambeth&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="87"/>
        <source>officer&apos;s user name or a place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="88"/>
        <source>&amp;To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="94"/>
        <source>Why: recorded in the signed custody log (required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="97"/>
        <source>where the exhibits will be (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="98"/>
        <source>where the exhibit will be (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="99"/>
        <source>&amp;Reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="100"/>
        <source>&amp;Location:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="110"/>
        <source>say who or where the exhibits go to: an officer&apos;s user name or a place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/transfer.py" line="112"/>
        <source>say who or where the exhibit goes to: an officer&apos;s user name or a place</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CustodyTab</name>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="61"/>
        <source>Filter by exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="65"/>
        <source>any exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="66"/>
        <source>Only entries about this exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="69"/>
        <source>Filter by action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="75"/>
        <source>any action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="76"/>
        <source>Only this action; a prefix such as &apos;exhibit&apos; matches every exhibit action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="79"/>
        <source>Filter by user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="83"/>
        <source>anyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="84"/>
        <source>Only entries made by this user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="85"/>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="87"/>
        <source>Entries on or after this day (UK time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="88"/>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="90"/>
        <source>Entries on or before this day (UK time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="93"/>
        <source>&amp;Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="95"/>
        <source>Show the entries matching these filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="97"/>
        <source>Verif&amp;y case…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="99"/>
        <source>Check the log&apos;s hashes and signatures and re-hash every exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="103"/>
        <source>Exhibit:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="103"/>
        <source>Action:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="104"/>
        <source>User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="123"/>
        <location filename="../../casedesk/ui/tabs/custody.py" line="181"/>
        <source>Custody log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="138"/>
        <source>Co&amp;rrect entry…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/custody.py" line="190"/>
        <source>%n entry matching the filters</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/custody.py" line="191"/>
        <source>%n entries matching the filters</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/custody.py" line="193"/>
        <source>%n entry in this case&apos;s log</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/custody.py" line="194"/>
        <source>%n entries in this case&apos;s log</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="225"/>
        <source>Select an entry in the log to correct it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="227"/>
        <source>A note or summary is put right where it is written (Edit note on the Notes tab, the summary on the Overview): its text stays encrypted for the case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="230"/>
        <source>Only {actor}, who wrote entry {seq}, or a supervisor can correct it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/custody.py" line="241"/>
        <source>Add a signed entry that corrects entry {seq}; the original stays as written</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DisclosureExportDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="63"/>
        <source>Export the MG6C schedule of {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="64"/>
        <source>The schedule of relevant non-sensitive unused material (MG6C), numbered from 1, for disclosure to the defence. Used material is what the last bundle exported for the case served; every other exhibit that is not sensitive is listed. Nothing sensitive is on it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="70"/>
        <source>Export the MG6D schedule of {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="71"/>
        <source>The schedule of relevant sensitive unused material (MG6D), for the prosecutor only: it is never disclosed to the defence, is marked OFFICIAL-SENSITIVE and says so on every page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="76"/>
        <source>Export {case} as CASE/UCO</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="77"/>
        <source>The case as CASE/UCO 1.5.0 JSON-LD for forensic tools: every exhibit with its hashes and every custody action with the exhibit it concerns. Sensitive (MG6D) exhibits are left out unless you include them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="88"/>
        <source>Security marking printed in the header and footer of every page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="89"/>
        <source>Include &amp;sensitive exhibits (MG6D)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="93"/>
        <source>File to write</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="95"/>
        <source>Where the file is written; an existing file is never replaced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="96"/>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="104"/>
        <source>&amp;Marking:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="105"/>
        <source>&amp;Output file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="121"/>
        <source>file&apos;s SHA-256</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="130"/>
        <source>SHA-256:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="137"/>
        <source>&amp;Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="159"/>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="258"/>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="170"/>
        <source>JSON-LD files (*.jsonld)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="170"/>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="172"/>
        <source>Save as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="182"/>
        <source>A file named {name} exists already: CaseDesk never replaces a file. Choose another name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="193"/>
        <source>Choose where to write the file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="228"/>
        <source>{n} items, numbered 1 to {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="228"/>
        <source>no items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="229"/>
        <source>&lt;b&gt;{path}&lt;/b&gt;&lt;br&gt;{kind}: {pages} page(s), {items}, marking {marking}, as at custody log entry {head}.&lt;br&gt;Recorded as custody entry {entry}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="235"/>
        <source> Withheld as sensitive (MG6D): {refs}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="237"/>
        <source>&lt;b&gt;{path}&lt;/b&gt;&lt;br&gt;CASE/UCO: {exhibits} exhibit(s), {actions} custody action(s), made from custody log entry {head}.{withheld}&lt;br&gt;Recorded as custody entry {entry}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="244"/>
        <source>Written; its SHA-256 is in the custody log. Note: {warnings}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/disclosure.py" line="247"/>
        <source>Written; its SHA-256 is in the custody log.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EditNoteDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/edit_note.py" line="15"/>
        <source>Edit note (entry {seq})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/edit_note.py" line="15"/>
        <source>&amp;Save new version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/edit_note.py" line="21"/>
        <source>Your note of {when} on {exhibit}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/edit_note.py" line="21"/>
        <source>Your note of {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/edit_note.py" line="23"/>
        <source>The new version is added to the custody log and names this one, which stays in the log as it was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/edit_note.py" line="31"/>
        <source>&amp;Note:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EntryTableModel</name>
    <message>
        <location filename="../../casedesk/ui/partials/entry_model.py" line="15"/>
        <source>Time (UK)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/entry_model.py" line="15"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/entry_model.py" line="16"/>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/entry_model.py" line="16"/>
        <source>Exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/entry_model.py" line="17"/>
        <source>From → to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/entry_model.py" line="17"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/entry_model.py" line="18"/>
        <source>Location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/entry_model.py" line="18"/>
        <source>Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/entry_model.py" line="90"/>
        <source>{when}
recorded as {utc} UTC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/entry_model.py" line="95"/>
        <source>entry hash {hash}
signed by {actor} with {tool}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExhibitDetail</name>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="38"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="39"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="41"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="41"/>
        <source>{size} ({n} bytes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="44"/>
        <source>Original name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="45"/>
        <source>Path in source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="46"/>
        <source>Seized from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="47"/>
        <source>Seized at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="48"/>
        <source>Seized where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="49"/>
        <source>Seal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="50"/>
        <source>Produced by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="51"/>
        <source>Ingested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="51"/>
        <source>{when} by {user}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="53"/>
        <source>Tool</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="54"/>
        <source>Custodian</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="54"/>
        <source>{custodian} — checked out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="57"/>
        <source>Location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="58"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="60"/>
        <source>Sensitive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="60"/>
        <source>yes (MG6D: not disclosed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="61"/>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="62"/>
        <source>File modified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="69"/>
        <source>Type: {warning}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="72"/>
        <source>Duplicate: same content (SHA-256) as exhibit {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="110"/>
        <source>{label}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="114"/>
        <source>SHA-256:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="115"/>
        <source>MD5:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="116"/>
        <source>SHA-1:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="134"/>
        <source>&amp;Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="138"/>
        <source>Exhibit timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="139"/>
        <source>Time (UK)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="139"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="139"/>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="139"/>
        <source>From → to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="141"/>
        <source>Reason / location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="145"/>
        <source>C&amp;ustody</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="148"/>
        <source>&amp;Open preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="150"/>
        <source>Show the exhibit&apos;s content; the viewing is recorded in the custody log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="154"/>
        <source>Opening a preview is recorded in the custody log (who viewed what, when).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="168"/>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="169"/>
        <source>Embedded metadata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="169"/>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="172"/>
        <source>What the file says about itself (EXIF, PDF document information): a claim of the file, not recorded facts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="178"/>
        <source>&amp;Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="189"/>
        <source>The register shows this log&apos;s state until a supervisor&apos;s signed resolution says which holds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="217"/>
        <source>&lt;i&gt;Choose an exhibit to see its details.&lt;/i&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="242"/>
        <source>Press Open preview to view the content.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_detail.py" line="243"/>
        <source>No preview for {type}: extract the exhibit to open it in another program.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExhibitTableModel</name>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="62"/>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="64"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="67"/>
        <source>File name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="69"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="71"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="73"/>
        <source>{n} bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="74"/>
        <source>Seized</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="77"/>
        <source>Custodian</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="78"/>
        <source>{custodian} (checked out)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="81"/>
        <source>Location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="84"/>
        <source>(Ctrl+C copies the full value)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/exhibit_model.py" line="176"/>
        <source>{custodian} · ⚠ custody conflict</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExhibitTableView</name>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="58"/>
        <source>Exhibit register</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="80"/>
        <source>Drop files or folders here to ingest them into this case</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExhibitsTab</name>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="42"/>
        <source>This case is closed: its exhibits can no longer change (no ingest, transfer or check-out; an exhibit still checked out can be returned).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="144"/>
        <source>Filter the exhibits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="145"/>
        <source>Filter exhibits: reference, description, type, custodian, hash…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="153"/>
        <source>Show &amp;withdrawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="155"/>
        <source>Withdrawn exhibits stay in the vault and the custody log; show them greyed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="159"/>
        <source>&amp;Ingest files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="161"/>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="209"/>
        <source>Bring files or folders into this case as exhibits (Ctrl+I)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="229"/>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="248"/>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="343"/>
        <source>Exhibits</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="263"/>
        <source>%n open custody conflict in this case</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="264"/>
        <source>%n open custody conflicts in this case</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="265"/>
        <source> ({refs}): this log and the installation&apos;s other copy say different things; the register shows this log&apos;s state until a supervisor resolves each (Custody › Resolve custody conflict…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="287"/>
        <source>{shown} of %n exhibits</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="289"/>
        <source>%n exhibit</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="289"/>
        <source>%n exhibits</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="360"/>
        <source>Custody timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="387"/>
        <source>Too large to preview: extract the exhibit to open it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="396"/>
        <source>No preview.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="397"/>
        <source>Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/exhibits.py" line="400"/>
        <source>Opening {ref}…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="61"/>
        <source>Export a bundle of {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="67"/>
        <source>Exhibits in the bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="68"/>
        <source>Ticked exhibits go in the bundle; sensitive (MG6D) ones are left out by default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="70"/>
        <source>Include &amp;sensitive exhibits (MG6D)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="73"/>
        <source>Select &amp;all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="75"/>
        <source>Select &amp;none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="84"/>
        <source>Case notes in the bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="85"/>
        <source>Ticked notes go in the bundle&apos;s Case notes section, each in its latest version; none by default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="87"/>
        <source>&lt;b&gt;Case notes&lt;/b&gt; (none go in unless ticked; notes have no sensitivity marking, so choose with care)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="92"/>
        <source>Security marking printed in the header and footer of every page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="96"/>
        <source>Where the PDF is written; its manifest, checksum file and browser check go beside it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="98"/>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="104"/>
        <source>&amp;Marking:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="105"/>
        <source>&amp;Output file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="113"/>
        <source>&lt;b&gt;Exhibits&lt;/b&gt; (withdrawn exhibits never go in a bundle)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="129"/>
        <source>bundle&apos;s SHA-256</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="134"/>
        <source>Open &amp;PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="137"/>
        <source>Open &amp;folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="154"/>
        <source>SHA-256:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="163"/>
        <source>&amp;Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="195"/>
        <location filename="../../casedesk/ui/dialogs/export.py" line="226"/>
        <location filename="../../casedesk/ui/dialogs/export.py" line="378"/>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="203"/>
        <source>   [sensitive]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="204"/>
        <source>   [same content as sensitive {0}]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="213"/>
        <source>Sensitive (MG6D): tick &apos;Include sensitive exhibits&apos; to choose it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="217"/>
        <source>The case has no exhibits: the bundle holds the case summary and custody log only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="240"/>
        <source> on {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="241"/>
        <source>Note {0}{1} — {2}, {3}: {4}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="251"/>
        <source>About a sensitive (MG6D) exhibit: tick &apos;Include sensitive exhibits&apos; to choose it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="282"/>
        <source>Save the bundle as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="283"/>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="290"/>
        <source>Choose where to write the bundle.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="306"/>
        <source>Verifying the case before export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="322"/>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="341"/>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="350"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="352"/>
        <source>&lt;b&gt;{path}&lt;/b&gt;&lt;br&gt;{pages} pages, {exhibits} exhibits, marking {marking}; left out: {left_out}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="355"/>
        <source> Case notes: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="357"/>
        <source>Manifest: {manifest}; checksum file: {sidecar}; recorded as custody entry {seq}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="360"/>
        <source>Send {verifier} with it: the prosecutor opens it in a browser and drops the bundle and the case&apos;s custody export into it to check them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="363"/>
        <source>Bundle exported and verified; its SHA-256 is in the custody log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="374"/>
        <source>Export cancelled; nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/export.py" line="382"/>
        <source>No program to open it was found on this computer; the file is {path}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="36"/>
        <source>Demo installation ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="37"/>
        <source>Demo accounts (user: password):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="49"/>
        <source>Welcome to CaseDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="54"/>
        <source>&lt;b style=&apos;font-size:15pt&apos;&gt;Welcome to CaseDesk&lt;/b&gt;&lt;br&gt;There is no installation in &lt;code&gt;{folder}&lt;/code&gt; yet. Create one with its administrator account, or open the demo installation (Operation Lantern, with sample exhibits) to look around.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="64"/>
        <source>Administrator user name: lower-case letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="67"/>
        <source>e.g. Ada Admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="71"/>
        <source>from the full name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="75"/>
        <source>At least {n} characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="80"/>
        <source>Administrator &amp;user name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="81"/>
        <source>&amp;Full name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="82"/>
        <source>&amp;Initials:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="83"/>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="84"/>
        <source>&amp;Repeat password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="85"/>
        <source>&amp;Create installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="92"/>
        <source>New installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="97"/>
        <source>Open the &amp;demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="99"/>
        <source>Create a demo installation with sample users, a case and exhibits here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="101"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="145"/>
        <source>The two passwords differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/first_run.py" line="186"/>
        <source>Set-up</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HandOverDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="68"/>
        <source>Hand case {case} over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="71"/>
        <source>Hand &lt;b&gt;{case}&lt;/b&gt; ({title}) to an officer of another installation. The unit vouches for that officer&apos;s key; the case key is sealed to it here, and the case, its custody log and its evidence (encrypted) reach them through the unit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="77"/>
        <source>Once handed over, the case is read-only on this installation: nothing more is recorded in it here (no ingest, moves, notes, reviews or exports).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="83"/>
        <source>the receiving installation&apos;s id, e.g. 6f1c2a4e-0b7d-4c1e-9a55-2f1d8e3b7c10</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="85"/>
        <source>Receiving installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="86"/>
        <source>The receiving officer&apos;s laptop shows its id in Help › About; the unit administrator&apos;s `casedesk unit status` lists every installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="88"/>
        <source>their user name on that installation, e.g. bpatel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="89"/>
        <source>Receiving officer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="90"/>
        <source>e.g. transferred to the fraud team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="90"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="91"/>
        <source>Why the case is handed over (recorded in the signed custody log; required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="94"/>
        <source>Receiving &amp;installation:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="95"/>
        <source>Receiving &amp;officer:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="95"/>
        <source>&amp;Reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="109"/>
        <source>&amp;Hand over…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="138"/>
        <source>Name the receiving installation by its id (the receiving officer&apos;s laptop shows it in Help › About)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="142"/>
        <source>That is this installation&apos;s own id: name the receiving officer&apos;s installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="145"/>
        <source>Name the receiving officer by their user name on that installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="148"/>
        <source>Say why the case is handed over, e.g. &apos;transferred to the fraud team&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="160"/>
        <source>Hand case {case} over?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="161"/>
        <source>Hand case {case} to {user} of installation {id}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="167"/>
        <source>Once handed over, the case is read-only on this installation: nothing more can be recorded in it here (no ingest, moves, notes, reviews or exports), and it cannot be taken back from here. Its log stays here to read and verify; {user} takes the case in from the unit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="170"/>
        <source>&amp;Hand over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="184"/>
        <source>Not handed over: nothing was recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="194"/>
        <source>Asking the unit for {user}&apos;s key and sealing the case key to it…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="195"/>
        <source>the sync was stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="214"/>
        <source>Reaching the unit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="226"/>
        <source>Stopping after the step under way…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="251"/>
        <source>Case {case} handed over to {user} of installation {id} (custody entry {seq}); it is read-only here now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="254"/>
        <source>{user} takes it in with File › Receive a handed-over case…, naming this installation: {me}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="257"/>
        <source>Synced: the unit holds {n} entries of this installation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="262"/>
        <source>{done} The sync after it did not finish ({problem}): sync again (File › Sync with the unit…) before {user} can take it in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="278"/>
        <source>Hand case over</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HelpDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/help.py" line="14"/>
        <source>
&lt;h2&gt;CaseDesk&lt;/h2&gt;
&lt;p&gt;Choose a case in the list on the left; its work is in the tabs on the right: &lt;b&gt;Overview&lt;/b&gt; (details,
summary, members), &lt;b&gt;Exhibits&lt;/b&gt; (the register: drop files on it to ingest them), &lt;b&gt;Custody&lt;/b&gt; (the signed
log), &lt;b&gt;Notes&lt;/b&gt; and &lt;b&gt;Review&lt;/b&gt; (supervisors approve, query or resolve; officers answer queries).&lt;/p&gt;
&lt;p&gt;Every change is recorded in the case&apos;s signed custody log. Tab moves between fields and out of tables;
the arrow keys move within a table. In a date field, type the day, month, year, hours and minutes and use
← → to move between them.&lt;/p&gt;
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/help.py" line="32"/>
        <source>Switch to the first … sixth tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/help.py" line="39"/>
        <source>CaseDesk help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/help.py" line="46"/>
        <source>Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/help.py" line="47"/>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="108"/>
        <source>Search all your cases: file name, exhibit reference, SHA-256 or note text (Ctrl+Shift+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="110"/>
        <source>Search all cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="118"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="135"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="171"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="187"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="196"/>
        <source>Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="118"/>
        <source>Found by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="118"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="187"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="196"/>
        <source>Exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="119"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="187"/>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="119"/>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="119"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="127"/>
        <source>Search results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="135"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="469"/>
        <source>Query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="135"/>
        <source>Asked by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="136"/>
        <source>Asked (UK)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="136"/>
        <source>Question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="137"/>
        <source>Open queries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="145"/>
        <source>Your answer to the selected query (added to the case as a note)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="146"/>
        <source>Answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="148"/>
        <source>A&amp;nswer query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="150"/>
        <source>Answer the selected query: a signed note that names the query and closes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="157"/>
        <source>Your queries waiting for an answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="158"/>
        <source>Queries for you to answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="171"/>
        <source>Entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="172"/>
        <source>Cases awaiting your review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="174"/>
        <source>Waiting for your review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="180"/>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="180"/>
        <source>Operation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="180"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="181"/>
        <source>Exhibits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="181"/>
        <source>To review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="181"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="183"/>
        <source>Your cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="188"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="188"/>
        <location filename="../../casedesk/ui/partials/home_page.py" line="191"/>
        <source>Exhibits checked out to you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="196"/>
        <source>This log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="197"/>
        <source>Other copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="197"/>
        <source>Open custody conflicts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="200"/>
        <source>Open custody conflicts (a supervisor resolves each)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="205"/>
        <source>Enter or double-click opens a row; New case: Ctrl+N; back here: Alt+Home.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="250"/>
        <source>Con&amp;tinue with {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="251"/>
        <source>Open the case you last worked on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="273"/>
        <source>Home</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="286"/>
        <source>Custody entry {seq}; about the case&apos;s entries up to {up_to}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="320"/>
        <source>No open query.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="321"/>
        <source>No query waits for your answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="322"/>
        <source>Nothing waits for your review.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="323"/>
        <source>You are not a member of any case yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="324"/>
        <source>No exhibit is checked out to you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="345"/>
        <source>&lt;b&gt;{name}&lt;/b&gt; — cases waiting for your review: {cases}; your queries waiting for an answer: {queries}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="349"/>
        <source>&lt;b&gt;{name}&lt;/b&gt; — cases: {cases}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="350"/>
        <source>&lt;b&gt;{name}&lt;/b&gt; — open queries for you to answer: {queries}; exhibits checked out to you: {lent}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="372"/>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="378"/>
        <source>note by {author}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="383"/>
        <source>withdrawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="384"/>
        <source>sensitive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="397"/>
        <source>{n} result(s) for “{text}”; Enter or double-click opens one, Esc clears the search.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="400"/>
        <source>More were found: type more of the text to narrow them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="402"/>
        <source>Notes not searched (key not yet granted to you): {cases}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="404"/>
        <source>Nothing found for “{text}”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="446"/>
        <source>No query is selected: there is nothing to answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="448"/>
        <source>Answer query {seq} on {case}: a signed note that names the query and closes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/home_page.py" line="473"/>
        <source>Query {seq} on {case} answered (custody entry {entry}).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IngestDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="63"/>
        <source>Ingest into {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="69"/>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="383"/>
        <source>Files to ingest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="70"/>
        <source>Files and folders to ingest; folders are taken whole, with their structure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="71"/>
        <source>Add &amp;files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="73"/>
        <source>Add f&amp;older…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="75"/>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="84"/>
        <source>e.g. Dossier of bank customer records handed over by the journalist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="86"/>
        <source>What the exhibit is; it appears in the register and the MG12 exhibit list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="89"/>
        <source>Describe each file separa&amp;tely</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="92"/>
        <source>List every file the folders hold, each with a description of its own (it starts as the description above and the file&apos;s name), so that the exhibits can be told apart in the register and the bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="97"/>
        <source>Description of each file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="98"/>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="98"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="98"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="99"/>
        <source>Description (double-click or F2 to edit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="121"/>
        <source>person or place, e.g. Daily Courier newsroom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="128"/>
        <source>UK local time (GMT or BST as in force at that date); stored in UTC with its offset. Type the day, month, year, hours and minutes; ← → move between them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="131"/>
        <source>not known</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="136"/>
        <source>UK time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="140"/>
        <source>where it was seized or received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="144"/>
        <source>evidence bag or seal number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="147"/>
        <source>The producing officer: their initials prefix the exhibit references</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="148"/>
        <source>Skip files already in this case (same path and content)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="151"/>
        <source>Ingesting a folder again (after a cancel, or with new files) adds only what is not in the case yet; untick to register a second seizure of the same files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="154"/>
        <source>Sensitive (MG6D: left out of bundles by default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="159"/>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="161"/>
        <source>Seized fro&amp;m:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="162"/>
        <source>Seized &amp;at:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="165"/>
        <source>&amp;Location:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="166"/>
        <source>S&amp;eal:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="167"/>
        <source>&amp;Producer:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="180"/>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="180"/>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="186"/>
        <source>&amp;Ingest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="200"/>
        <source>&lt;b&gt;Files and folders&lt;/b&gt; (drop more onto the exhibit list, or add them here)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="235"/>
        <source>Add at least one file or folder (or drop them onto the exhibit list).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="275"/>
        <source>Listing the files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="286"/>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="532"/>
        <source>Ingest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="319"/>
        <source>{path} is also the path of another file given; this one is read from {source}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="333"/>
        <source>The description of {path} in the register and the exhibit list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="338"/>
        <source> (and {n} more paths)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="340"/>
        <source>{count} of the files given have the path {path}{more} (the same name from different folders, marked ⚠): a description could be either&apos;s. Remove one of them, or add the folders that hold them instead, so that their paths differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="349"/>
        <source>{count} file(s) — each gets the description in its row; edit any of them. Files in a folder are listed as the register will show them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="387"/>
        <source>Folder to ingest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="419"/>
        <source>The files are still being listed; ingest once every file has its row.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="431"/>
        <source>Collecting files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="443"/>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="444"/>
        <source>{done} of {total} files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="444"/>
        <source>{done} of {total} file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="451"/>
        <source>Cancelling: the file being read is finished or dropped…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="479"/>
        <source>Ingested: {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="483"/>
        <source>duplicate of {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="494"/>
        <source>Duplicates: {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="495"/>
        <source>same content as an earlier exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="496"/>
        <source>Already in the case: {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="497"/>
        <source>same path and SHA-256: not added again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="499"/>
        <source>is {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="500"/>
        <source>Skipped: {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="508"/>
        <source>%n exhibit ingested</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="508"/>
        <source>%n exhibits ingested</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="510"/>
        <source>%n duplicate</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="510"/>
        <source>%n duplicates</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="512"/>
        <source>%n already in the case</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="513"/>
        <source>%n skipped</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="516"/>
        <source>Cancelled: {summary}. What was ingested before the cancel is kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="518"/>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="520"/>
        <source>Done: {summary}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/ingest.py" line="521"/>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../casedesk/ui/idle_lock.py" line="47"/>
        <source>&lt;h2&gt;CaseDesk is locked&lt;/h2&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/idle_lock.py" line="50"/>
        <source>Signed in as &lt;b&gt;{name}&lt;/b&gt; ({user}). Enter your password to carry on where you left off: nothing you typed is lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/idle_lock.py" line="57"/>
        <location filename="../../casedesk/ui/idle_lock.py" line="58"/>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/idle_lock.py" line="60"/>
        <source>&amp;Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/idle_lock.py" line="63"/>
        <source>Sign &amp;out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/idle_lock.py" line="65"/>
        <source>Sign out; a case summary not yet saved is discarded (whoever is at the keyboard cannot save it in your name)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="37"/>
        <source>Sign in to CaseDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="43"/>
        <source>&lt;b style=&apos;font-size:16pt&apos;&gt;CaseDesk&lt;/b&gt;&lt;br&gt;Evidence case management</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="50"/>
        <source>e.g. jsmith</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="51"/>
        <source>Your CaseDesk user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="55"/>
        <source>Your CaseDesk password (at least 12 characters)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="57"/>
        <source>&amp;User name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="58"/>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="60"/>
        <source>Data directory: {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="77"/>
        <source>&amp;Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="80"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="81"/>
        <source>Close CaseDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="134"/>
        <source>Enter your user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="138"/>
        <source>Enter your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/login.py" line="170"/>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="94"/>
        <source>CaseDesk — {name} ({user})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="171"/>
        <source>Details, summary and membership</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="179"/>
        <source>The exhibit register; drop files here to ingest them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="323"/>
        <source>&amp;Custody</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="184"/>
        <source>The case&apos;s custody log with filters, and verification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="187"/>
        <source>The case&apos;s notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="191"/>
        <source>Supervisor review of the custody log; open queries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="195"/>
        <source>The case&apos;s story in time order: seizures, exhibits, movements, notes, reviews</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="215"/>
        <source>&amp;New case…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="216"/>
        <source>Open a new case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="217"/>
        <source>&amp;Ingest files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="218"/>
        <location filename="../../casedesk/ui/main_window.py" line="444"/>
        <source>Bring files or folders into the open case as exhibits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="219"/>
        <source>&amp;Export bundle…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="220"/>
        <source>Export the open case as a PDF court bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="221"/>
        <source>Export MG6&amp;C schedule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="222"/>
        <source>Export the schedule of non-sensitive unused material (PDF, for the defence)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="224"/>
        <source>Export MG6&amp;D schedule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="225"/>
        <source>Export the schedule of sensitive unused material (PDF, for the prosecutor only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="227"/>
        <source>Export case as CASE/&amp;UCO…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="229"/>
        <source>Export the case&apos;s exhibits and custody actions as CASE/UCO JSON-LD for forensic tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="231"/>
        <source>&amp;Home</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="232"/>
        <source>What waits for you: your cases, open queries, the review queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="233"/>
        <source>&amp;Search all cases…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="234"/>
        <source>Find exhibits and notes in every case you may open: file name, reference, SHA-256 or note text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="236"/>
        <source>&amp;Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="237"/>
        <source>Search the case list or filter the exhibits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="238"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="239"/>
        <source>Reload the case list and the open case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="242"/>
        <source>&amp;Transfer exhibit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="244"/>
        <source>Hand the selected exhibit to another officer or a place</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="245"/>
        <source>Check &amp;out exhibit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="247"/>
        <source>Lend the selected exhibit, e.g. to a forensic lab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="248"/>
        <source>&amp;Return exhibit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="249"/>
        <source>Record that the selected checked-out exhibit came back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="250"/>
        <source>E&amp;xtract exhibit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="251"/>
        <source>Write the selected exhibit&apos;s original bytes to a folder (checked and recorded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="252"/>
        <source>&amp;Preview exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="253"/>
        <source>Show the selected exhibit&apos;s content (the viewing is recorded in the custody log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="255"/>
        <source>&amp;Withdraw exhibit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="256"/>
        <source>Take the selected exhibit out of the register (kept in the vault and log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="257"/>
        <source>Change &amp;sensitivity…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="258"/>
        <source>Mark the selected exhibit sensitive (MG6D) or not</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="259"/>
        <source>&amp;Verify…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="260"/>
        <source>Verify the custody log and the exhibits of the open case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="261"/>
        <source>Acknowledge wrong entry &amp;times…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="262"/>
        <source>Supervisor: record which custody entries were dated by a wrong clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="263"/>
        <source>Resolve custody &amp;conflict…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="264"/>
        <source>Supervisor: say which state of an exhibit holds where this log and the installation&apos;s other copy differ (signed, naming both entries)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="266"/>
        <source>S&amp;ync with the unit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="267"/>
        <source>Send this laptop&apos;s custody log and evidence (encrypted) to the unit service and keep its cosignature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="269"/>
        <source>Review a case on &amp;another installation…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="270"/>
        <source>Supervisor: read a case held on a detective&apos;s laptop from the unit, checked here, and approve or query it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="272"/>
        <source>&amp;Hand case over…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="273"/>
        <source>Hand the open case to an officer of another installation, through the unit; it is read-only here afterwards</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="275"/>
        <source>&amp;Receive a handed-over case…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="276"/>
        <source>Take in a case an officer of another installation handed over to you, with its evidence, from the unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="278"/>
        <source>Change &amp;password…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="279"/>
        <source>Change your own password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="280"/>
        <source>Sign &amp;out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="281"/>
        <source>Sign out and return to the sign-in window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="282"/>
        <source>&amp;Lock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="283"/>
        <source>Cover the window until your password is entered again (also after a time without use)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="285"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="285"/>
        <source>Close CaseDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="286"/>
        <source>&amp;Users…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="287"/>
        <source>Add users, change roles, disable accounts, reset passwords</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="288"/>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="289"/>
        <source>Installation settings: extra digests, default marking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="290"/>
        <source>&amp;About CaseDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="290"/>
        <source>Version and data directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="291"/>
        <source>CaseDesk &amp;help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="292"/>
        <source>How to work in CaseDesk, and every keyboard shortcut</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="296"/>
        <source>Tab {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="302"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="317"/>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="320"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="331"/>
        <location filename="../../casedesk/ui/main_window.py" line="334"/>
        <source>E&amp;xhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="335"/>
        <location filename="../../casedesk/ui/main_window.py" line="526"/>
        <source>&amp;Administration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="338"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="345"/>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="368"/>
        <source>Signed in: &lt;b&gt;{user}&lt;/b&gt; ({name}) · {role}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="371"/>
        <source>Data directory: {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="376"/>
        <source>⚠ Password-only key slots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="391"/>
        <source>Where this laptop stands with the unit service; click to sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="413"/>
        <source>Integrity alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="414"/>
        <source>The custody log failed its check at sign-in; changes are blocked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="442"/>
        <source>The open case is closed: its exhibits can no longer change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="452"/>
        <source>Open a case first (choose one in the case list)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="456"/>
        <source>No open custody conflict in this case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="459"/>
        <source>{ref} has an open custody conflict: a bundle would show one copy&apos;s word as the whole history; a supervisor resolves it first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="468"/>
        <source>Select an exhibit in the register first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="469"/>
        <source>The case is closed: its exhibits can no longer move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="474"/>
        <location filename="../../casedesk/ui/main_window.py" line="613"/>
        <source>{ref} is checked out to {custodian}: record its return first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="493"/>
        <source>None of the selected exhibits is checked out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="494"/>
        <source>None of the selected exhibits can move ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="508"/>
        <source>Select just one exhibit for this (several are selected)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="481"/>
        <location filename="../../casedesk/ui/main_window.py" line="505"/>
        <source>{ref} is not checked out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="166"/>
        <source>{tip} (Ctrl+{n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="171"/>
        <source>Overview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="178"/>
        <source>Exhibits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="183"/>
        <source>Custody</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="187"/>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="190"/>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="194"/>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="511"/>
        <source>This file type has no preview: extract the exhibit to open it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="514"/>
        <location filename="../../casedesk/ui/main_window.py" line="518"/>
        <source>Select one or more exhibits in the register first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="516"/>
        <source>{ref} is withdrawn already</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="549"/>
        <source>Case {case} was handed over to {user} of installation {id} (custody entry {seq}): it is read-only here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="552"/>
        <source>Case {case} was handed over to another installation: it is read-only here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="582"/>
        <source>The case is closed: only an open case is handed over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="589"/>
        <source>Only the officer in charge ({oic}) or a supervisor can hand the case over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="611"/>
        <source>{ref} is withdrawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="615"/>
        <source>Only {ref}&apos;s custodian ({custodian}) or a supervisor can move it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="619"/>
        <source>Your role ({role}) cannot do this</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="669"/>
        <source>Case {case} created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="706"/>
        <source>Refreshed</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/main_window.py" line="739"/>
        <source>%n open query for you</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/main_window.py" line="740"/>
        <source>%n open queries for you</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="741"/>
        <source>Supervisors&apos; queries on your cases wait for your answer; click to answer them on the home page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="748"/>
        <source>New query from {supervisor} on {case}: {text}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="775"/>
        <source>Recorded as custody entry {seq}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="804"/>
        <source>Extract {ref} into folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="809"/>
        <source>Extracting {ref}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="813"/>
        <source>{ref} extracted to {path} (hash checked, recorded in the log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="819"/>
        <source>Extract</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="905"/>
        <source>Custody conflict on {ref} resolved: custody entry {seq}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="957"/>
        <source>About CaseDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="958"/>
        <source>CaseDesk {version}
Offline evidence case management.

Data directory: {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="975"/>
        <source>Unsaved case summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="976"/>
        <source>The summary of {cases} has changes that are not saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/main_window.py" line="989"/>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MoveSummaryDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/move_summary.py" line="22"/>
        <source>Transferred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/move_summary.py" line="22"/>
        <source>Checked out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/move_summary.py" line="23"/>
        <source>Returned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/move_summary.py" line="24"/>
        <source>{verb}: {done} of {total} exhibits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/move_summary.py" line="34"/>
        <source>&lt;b&gt;{verb}: all {done}.&lt;/b&gt; Each has its own signed custody entry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/move_summary.py" line="37"/>
        <source>&lt;b&gt;Nothing was moved:&lt;/b&gt; each of the {refused} exhibits was refused, for the reason given below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/move_summary.py" line="40"/>
        <source>&lt;b&gt;{verb}: {done}. Refused: {refused}&lt;/b&gt;, each for the reason given below; the refused ones are exactly as they were.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/move_summary.py" line="46"/>
        <source>What was moved and what was refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/move_summary.py" line="73"/>
        <source> — kept at {place}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/move_summary.py" line="74"/>
        <source>to {party}{where} (custody entry {seq})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="15"/>
        <source>New case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="15"/>
        <source>&amp;Create case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="20"/>
        <source>e.g. MPS-2026-0417</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="21"/>
        <source>Capital letters, digits, &apos;-&apos; or &apos;/&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="24"/>
        <source>e.g. Operation Lantern</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="27"/>
        <source>One offence per line, e.g. Fraud Act 2006 s.2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="32"/>
        <source>The officer responsible for the case and its evidence (ACPO principle 4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="33"/>
        <source>Me ({user})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="37"/>
        <source>&amp;Reference:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="38"/>
        <source>&amp;Operation name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="39"/>
        <source>O&amp;ffences:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/new_case.py" line="40"/>
        <source>Officer &amp;in charge:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotesTab</name>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="37"/>
        <location filename="../../casedesk/ui/tabs/notes.py" line="104"/>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="39"/>
        <source>Time (UK)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="39"/>
        <source>Author</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="39"/>
        <source>Exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="39"/>
        <location filename="../../casedesk/ui/tabs/notes.py" line="190"/>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="50"/>
        <source>New note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="51"/>
        <source>Write a note: it is signed and added to the custody log; an edit adds a new version and keeps this one in the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="57"/>
        <source>Note&apos;s exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="59"/>
        <source>Attach the note to an exhibit (optional), e.g. JAS/1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="62"/>
        <source>exhibit (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="63"/>
        <source>&amp;Add note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="65"/>
        <location filename="../../casedesk/ui/tabs/notes.py" line="136"/>
        <source>Add the note to the case (recorded in the custody log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="67"/>
        <source>Edi&amp;t note…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="76"/>
        <source>Exhibit:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="110"/>
        <source> (edited)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="115"/>
        <source>Earlier version (entry {seq}, {when}):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="118"/>
        <source>{when}
custody entry {seq}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="149"/>
        <source>Select one of your notes to edit it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="151"/>
        <source>Only {author}, who wrote this note, can edit it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="158"/>
        <source>Write a new version of the note; this one stays in the custody log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="172"/>
        <source>Note saved as a new version (custody entry {seq}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/notes.py" line="194"/>
        <source>Note added (custody entry {seq}).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OverviewTab</name>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="29"/>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="29"/>
        <source>Operation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="30"/>
        <source>Offences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="30"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="31"/>
        <source>Officer in charge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="31"/>
        <source>Members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="32"/>
        <source>Opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="32"/>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="33"/>
        <source>Exhibits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="33"/>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="51"/>
        <source>{label}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="52"/>
        <location filename="../../casedesk/ui/tabs/overview.py" line="165"/>
        <source>Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="57"/>
        <source>Case summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="58"/>
        <source>The MG5-style case summary: what happened, the evidence, the suspects.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="61"/>
        <source>&amp;Save summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="63"/>
        <source>Save the case summary (recorded in the custody log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="73"/>
        <location filename="../../casedesk/ui/tabs/overview.py" line="247"/>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="79"/>
        <source>Add &amp;member…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="81"/>
        <location filename="../../casedesk/ui/tabs/overview.py" line="213"/>
        <source>Let another user see and work on this case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="83"/>
        <source>C&amp;lose case…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="85"/>
        <source>Close the case once its custody log has been reviewed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="90"/>
        <source>Re&amp;open case…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="92"/>
        <source>Reopen the closed case, e.g. when new evidence comes in (recorded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="171"/>
        <source>none recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="174"/>
        <source>handed over to {user} of installation {id} on {when} (custody entry {seq}): read-only here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="180"/>
        <location filename="../../casedesk/ui/tabs/overview.py" line="181"/>
        <source>{when} by {user}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="182"/>
        <source>not closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/overview.py" line="186"/>
        <source>%n entry awaiting review</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/overview.py" line="186"/>
        <source>%n entries awaiting review</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="187"/>
        <source>; approved up to entry {seq}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="188"/>
        <source>; never reviewed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="215"/>
        <source>The case was handed over to another installation: nothing more is recorded in it here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="218"/>
        <source>The case is closed: reopen it to change its members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="227"/>
        <source>● Unsaved changes: kept while you move around; Save summary records them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="235"/>
        <source>The case was handed over to another installation: read-only here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="237"/>
        <source>The case is closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="239"/>
        <source>Only the officer in charge or a supervisor can edit the summary.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/overview.py" line="252"/>
        <source>Summary saved and recorded in the custody log.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PreviewControls</name>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="262"/>
        <source>Zoom out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="263"/>
        <source>Zoom out (Ctrl+-)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="264"/>
        <source>Zoom in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="264"/>
        <source>Zoom in (Ctrl++)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="265"/>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="265"/>
        <source>Fit to the pane (Ctrl+0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="270"/>
        <source>Previous page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="270"/>
        <source>Previous page (Page Up)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="272"/>
        <source>Next page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="272"/>
        <source>Next page (Page Down)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="276"/>
        <source>Page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="277"/>
        <source>Go to page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="307"/>
        <source>fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="316"/>
        <source>of {pages}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PreviewWidget</name>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="100"/>
        <source>Exhibit preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="206"/>
        <source>The file is empty (0 bytes): there is nothing to show.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="211"/>
        <source>[… the rest is not shown: extract the exhibit to read it all]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="218"/>
        <source>The image ({type}) cannot be decoded for a preview.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="229"/>
        <source>The PDF cannot be opened for a preview (damaged or encrypted).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/preview.py" line="234"/>
        <source>No preview for {type}: extract the exhibit to open it in another program.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReceiveCaseDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="293"/>
        <source>Receive a handed-over case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="296"/>
        <source>Take in a case an officer of another installation handed over to you. Its custody log, case key and evidence come from the unit; every hash, signature, the unit&apos;s cosignature and each exhibit&apos;s content are checked here before anything is recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="303"/>
        <source>the giving installation&apos;s id, as the officer who handed it over gave it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="304"/>
        <source>From installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="305"/>
        <source>e.g. MPS-2026-0417</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="305"/>
        <source>Case reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="308"/>
        <source>From &amp;installation:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="308"/>
        <source>Ca&amp;se:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="322"/>
        <source>&amp;Receive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="325"/>
        <source>&amp;Open case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="356"/>
        <source>Name the installation that handed the case over by its id (its officer gives it to you)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="360"/>
        <source>Give the case&apos;s reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="372"/>
        <source>Reading the case from the unit and checking it…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/handover.py" line="383"/>
        <source>%n object of evidence fetched and checked</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/handover.py" line="384"/>
        <source>%n objects of evidence fetched and checked</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="385"/>
        <source> ({done} of {total})</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/handover.py" line="398"/>
        <source>%n exhibit</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/handover.py" line="398"/>
        <source>%n exhibits</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="399"/>
        <source>Its history at installation {id}, as the unit served it, is kept in {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/handover.py" line="402"/>
        <source>%n object of evidence</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/handover.py" line="402"/>
        <source>%n objects of evidence</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="403"/>
        <source>Case {case} received from installation {id}: {exhibits}, {objects} ({size}), every one checked; recorded as custody entry {seq}. You are its officer in charge here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/handover.py" line="421"/>
        <source>Receive a case</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RemoteReviewDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="51"/>
        <source>Review a case held on another installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="57"/>
        <source>https://casedesk.unit.example:8443</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="58"/>
        <source>Unit address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="61"/>
        <source>the system&apos;s certificate authorities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="62"/>
        <source>CA certificate file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="63"/>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="71"/>
        <source>the detective&apos;s installation id, e.g. 6f1c2a4e-0b7d-4c1e-9a55-2f1d8e3b7c10</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="73"/>
        <source>Installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="76"/>
        <source>e.g. MPS-2026-0417</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="77"/>
        <source>Case reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="78"/>
        <source>&amp;Fetch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="85"/>
        <source>&amp;Unit address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="85"/>
        <source>&amp;CA certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="86"/>
        <source>&amp;Installation:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="86"/>
        <source>Ca&amp;se:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="98"/>
        <source>Entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="98"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="98"/>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="98"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="99"/>
        <source>Exhibit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="99"/>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="100"/>
        <source>Entries waiting for review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="103"/>
        <source>Your comment (a query needs one: the detective answers it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="104"/>
        <source>Review comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="110"/>
        <source>&amp;Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="112"/>
        <source>&amp;Query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="136"/>
        <source>The unit&apos;s CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="137"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="145"/>
        <source>Give the unit&apos;s address as the unit administrator gave it, starting with https://</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="150"/>
        <source>There is no certificate file {path}: choose the one the unit administrator gave you, or leave the field empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="155"/>
        <source>Name the installation that holds the case by its id (the detective&apos;s laptop shows it in Help › About)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="160"/>
        <source>Give the case&apos;s reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="181"/>
        <source>Reading the case from the unit and checking it…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="195"/>
        <source>Reviewed up to entry {n}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="196"/>
        <source>Not reviewed yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="198"/>
        <source>Case {case} of installation {id}, as the unit {unit} holds it ({size} entries, cosigned {when}); every hash, signature and the unit&apos;s cosignature checked here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="202"/>
        <source>%n entry waits for review.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="203"/>
        <source>%n entries wait for review.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="204"/>
        <source>The read is recorded in this installation&apos;s log (entry {seq}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="222"/>
        <source>A query needs a comment: say what the detective should answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="227"/>
        <source>Signing the decision and handing it to the unit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="239"/>
        <source>Approved up to entry {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="240"/>
        <source>Query sent about entries up to {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="241"/>
        <source>{done}: statement {id} is held by the unit and recorded here as entry {seq}; the detective&apos;s laptop records it at its next sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/remote_review.py" line="254"/>
        <source>Review from another desk</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReopenCaseDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="40"/>
        <source>Reopen case {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="40"/>
        <source>Re&amp;open case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="43"/>
        <source>Reopening &lt;b&gt;{case}&lt;/b&gt; ({title}) lets its exhibits, notes and summary change again; the close and the reopening both stay on the record.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="50"/>
        <source>e.g. new statements from the bank</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="51"/>
        <source>Why the case is reopened (recorded in the signed custody log; required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/close_case.py" line="52"/>
        <source>&amp;Reason:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="89"/>
        <source>Reset password for {user}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="89"/>
        <source>&amp;Reset password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="92"/>
        <source>The account gets a new signing key; a disabled account is enabled again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="95"/>
        <source>&amp;New password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="96"/>
        <source>R&amp;epeat:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResolveConflictDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="26"/>
        <source>Resolve custody conflict in {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="27"/>
        <source>Re&amp;solve conflict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="36"/>
        <source>Exhibit with a custody conflict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="40"/>
        <source>&amp;Exhibit:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="53"/>
        <source>Anot&amp;her state (say where it is now):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="61"/>
        <source>a user name, or a place such as Property store locker 7</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="64"/>
        <source>where it is kept (optional for a place)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="65"/>
        <source>C&amp;ustodian:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="67"/>
        <source>Lo&amp;cation:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="77"/>
        <source>e.g. the property store&apos;s booking sheet shows it arrived at 14:10</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="78"/>
        <source>Why this state holds (recorded in the signed custody log; required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="79"/>
        <source>&amp;Reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="102"/>
        <source>This &amp;log&apos;s state holds: {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="104"/>
        <source>The o&amp;ther copy&apos;s state holds: {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="108"/>
        <source>{exhibit} exists only in the installation&apos;s other copy: the resolution closes the conflict and adds nothing to this register.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/resolve_conflict.py" line="134"/>
        <source>Say why this state holds, e.g. what the property store&apos;s booking sheet shows</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewTab</name>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="52"/>
        <location filename="../../casedesk/ui/tabs/review.py" line="58"/>
        <source>Review queue: all cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="53"/>
        <source>Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="53"/>
        <source>Awaiting review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="55"/>
        <source>Cases with custody entries no supervisor has approved; double-click to open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="65"/>
        <source>Entries awaiting review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="79"/>
        <source>Review up to entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="80"/>
        <source>The review covers the case&apos;s entries up to and including this one (select a row to set it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="84"/>
        <source>Review comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="85"/>
        <source>Comment (required for a query): what is missing or needs explaining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="88"/>
        <source>&amp;Approve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="90"/>
        <location filename="../../casedesk/ui/tabs/review.py" line="227"/>
        <source>Sign off the entries up to the chosen one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="91"/>
        <source>&amp;Query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="93"/>
        <location filename="../../casedesk/ui/tabs/review.py" line="228"/>
        <source>Ask the officer in charge to explain or fix something</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="98"/>
        <source>Up to entry:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="105"/>
        <source>This case: entries awaiting review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="120"/>
        <location filename="../../casedesk/ui/tabs/review.py" line="144"/>
        <source>Open queries on this case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="121"/>
        <source>Time (UK)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="122"/>
        <source>Supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="122"/>
        <location filename="../../casedesk/ui/tabs/review.py" line="258"/>
        <source>Query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="122"/>
        <source>Up to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="130"/>
        <source>Answer or reason for the selected query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="131"/>
        <source>Why the query is resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="132"/>
        <source>Your answer to the selected query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="133"/>
        <source>Re&amp;solve query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="134"/>
        <source>A&amp;nswer query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="136"/>
        <location filename="../../casedesk/ui/tabs/review.py" line="229"/>
        <source>Close the selected query with this text on the custody record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="177"/>
        <source>Review queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="196"/>
        <location filename="../../casedesk/ui/tabs/review.py" line="282"/>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/review.py" line="200"/>
        <source>%n entry awaiting review</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/review.py" line="201"/>
        <source>%n entries awaiting review</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="202"/>
        <source> (entries {first} to {last})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="203"/>
        <source>: the log is reviewed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="262"/>
        <source>Query {seq} resolved (custody entry {entry}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="263"/>
        <source>Query {seq} answered (custody entry {entry}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="286"/>
        <source>Approved up to entry {up_to} (custody entry {seq}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/review.py" line="287"/>
        <source>Query recorded up to entry {up_to} (custody entry {seq}).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="106"/>
        <source>Role of {user}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="106"/>
        <source>&amp;Change role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="110"/>
        <source>&amp;Role:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SensitivityDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="75"/>
        <source>Mark as sensitive (MG6D): left out of bundles unless chosen explicitly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="76"/>
        <source>Mark as not sensitive: it goes in bundles by default.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="77"/>
        <source>Sensitivity of {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="78"/>
        <source>&amp;Mark sensitive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="78"/>
        <source>&amp;Mark not sensitive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="79"/>
        <source>e.g. identifies a confidential source</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="15"/>
        <source>Installation settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="15"/>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="18"/>
        <source>MD5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="20"/>
        <source>SHA-1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="25"/>
        <source>{setting} (for exchange with older tools; SHA-256 is always computed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="37"/>
        <source>Security marking printed in the header and footer of every bundle page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="39"/>
        <source>Extra &amp;digests at ingest:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="42"/>
        <source>Default bundle &amp;marking:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="46"/>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="47"/>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="50"/>
        <source>&amp;Lock the app after:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/settings.py" line="51"/>
        <source>Changes are recorded in the custody log.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="42"/>
        <source>⚠ Roll-back found at sync (entry {seq})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="45"/>
        <source>Not synced with a unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="48"/>
        <source>Unit: {n} entries to send; last cosigned {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="50"/>
        <source>Unit: up to date, cosigned {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="62"/>
        <source>Sync with the unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="73"/>
        <source>https://casedesk.unit.example:8443</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="74"/>
        <source>Unit address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="77"/>
        <source>the system&apos;s certificate authorities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="78"/>
        <source>CA certificate file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="79"/>
        <source>The certificate of the authority that signs the unit&apos;s TLS certificate, as the unit administrator gave it; leave empty to trust the system&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="81"/>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="88"/>
        <source>&amp;Unit address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="90"/>
        <source>&amp;CA certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="104"/>
        <source>&amp;Sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="130"/>
        <source>Last synced with {unit} at {url}: the unit holds {held} of this laptop&apos;s {size} entries.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="133"/>
        <source>This laptop&apos;s {size} custody entries and its evidence exist only here until it syncs with the unit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="140"/>
        <source>The unit&apos;s CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="141"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="148"/>
        <source>Give the unit&apos;s address as the unit administrator gave it, starting with https://</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="153"/>
        <source>There is no certificate file {path}: choose the one the unit administrator gave you, or leave the field empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="164"/>
        <source>Reaching the unit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="178"/>
        <source>Stopping after the batch under way…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="203"/>
        <source>Synced: {sent} entries sent; the unit holds {held} entries, cosigned {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="205"/>
        <source>Evidence (encrypted, as stored): {n} object(s) sent ({mib:.1f} MiB); the unit holds {held}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="209"/>
        <source>{n} object(s) are missing or damaged on this laptop and were not sent: verify the installation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="214"/>
        <source>Merkle tree: size {size}, root {root}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="221"/>
        <source>Sync stopped: what the unit took so far is kept there; sync again to send the rest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/sync.py" line="226"/>
        <source>Sync</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimeAnomaliesDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="39"/>
        <source>{s} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="42"/>
        <source>{m} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="44"/>
        <source>{h} h {m:02d} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="45"/>
        <source>{d} days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="58"/>
        <source>Acknowledge wrong entry times</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="62"/>
        <source>These custody entries are dated out of order: after an entry that follows them or after this computer&apos;s clock (the clock was ahead), or before an entry that precedes them (the clock was behind). Tick the entries whose time is wrong and say why. Each is acknowledged by a signed entry of yours; the entries themselves are never changed, verification reports them as acknowledged and a bundle says so.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="70"/>
        <source>Entries dated out of order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="71"/>
        <source>Entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="71"/>
        <source>Dated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="71"/>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="71"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="72"/>
        <source>Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="72"/>
        <source>Out of order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="80"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="81"/>
        <source>e.g. the laptop&apos;s clock was an hour ahead after a BIOS reset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="83"/>
        <source>&amp;Why is their time wrong?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="88"/>
        <source>&amp;Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="109"/>
        <source>Reading the custody log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="116"/>
        <source>{span} ahead of this computer&apos;s clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="118"/>
        <source>{span} after entry {other}, which follows it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="119"/>
        <source>{span} before entry {other}, which precedes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="143"/>
        <source>No entry is dated out of order: there is nothing to acknowledge.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="159"/>
        <source>Tick the entries whose time is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="168"/>
        <source>Acknowledged as custody entries {first} to {last}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="170"/>
        <source>Acknowledged as custody entry {seq}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/time_anomalies.py" line="178"/>
        <source>Entry times</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimelineTab</name>
    <message>
        <location filename="../../casedesk/ui/tabs/timeline.py" line="26"/>
        <source>Case timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/timeline.py" line="27"/>
        <source>Time (UK)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/timeline.py" line="27"/>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/timeline.py" line="27"/>
        <source>What happened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/timeline.py" line="46"/>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/timeline.py" line="60"/>
        <source>(custody entry {seq}; double-click to see it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/tabs/timeline.py" line="61"/>
        <source>(the seizure time the exhibit records)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/timeline.py" line="70"/>
        <source>%n event</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../casedesk/ui/tabs/timeline.py" line="71"/>
        <source>%n events</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UnitAddress</name>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="33"/>
        <source>https://casedesk.unit.example:8443</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="34"/>
        <source>Unit address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="37"/>
        <source>the system&apos;s certificate authorities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="38"/>
        <source>CA certificate file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="39"/>
        <source>The certificate of the authority that signs the unit&apos;s TLS certificate, as the unit administrator gave it; leave empty to trust the system&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="41"/>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="50"/>
        <source>&amp;Unit address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="52"/>
        <source>&amp;CA certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="66"/>
        <source>Give the unit&apos;s address as the unit administrator gave it, starting with https://</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="69"/>
        <source>There is no certificate file {path}: choose the one the unit administrator gave you, or leave the field empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="84"/>
        <source>The unit&apos;s CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/partials/unit_address.py" line="86"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="35"/>
        <source>Works on the cases they are members of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="36"/>
        <source>Sees every case, reviews custody logs, closes cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="37"/>
        <source>Accounts and settings only; no access to evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="122"/>
        <location filename="../../casedesk/ui/dialogs/users.py" line="127"/>
        <location filename="../../casedesk/ui/dialogs/users.py" line="177"/>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="128"/>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="128"/>
        <source>Full name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="128"/>
        <source>Initials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="128"/>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="129"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="129"/>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="129"/>
        <source>Password changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="135"/>
        <source>&amp;Add user…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="137"/>
        <source>Change &amp;role…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="139"/>
        <source>Reset &amp;password…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="141"/>
        <source>Give the account a new password (also re-enables a disabled account)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="142"/>
        <source>&amp;Disable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="144"/>
        <source>Remove the account&apos;s key slot: it can no longer sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="145"/>
        <source>&amp;Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="147"/>
        <source>Lift the lock that repeated wrong passwords put on the account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="149"/>
        <source>C&amp;onfirm account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="187"/>
        <source>Locked after repeated wrong passwords until {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="191"/>
        <source>Created by {admin}; it signs in once another administrator confirms it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="236"/>
        <source>{user} added; the account signs in once another administrator confirms it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="239"/>
        <source>{user} added. This installation has one administrator, so the account is active at once; where there are two or more, a second administrator confirms each new account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="263"/>
        <source>Confirm account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="252"/>
        <source>Account {user} confirmed: it may sign in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="151"/>
        <source>Confirm a new account, a promotion or a re-enabling another administrator made: it holds from then on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="195"/>
        <source>Re-enabled by {admin}; it signs in once another administrator confirms it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="199"/>
        <source>{admin} made this account {role}; it stays {now} until another administrator confirms the change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="255"/>
        <source>Account {user} re-enabled: it may sign in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="258"/>
        <source>Role of {user} confirmed: now {role}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="275"/>
        <source>Unlock account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="278"/>
        <source>Account {user} unlocked: it can sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="301"/>
        <source>{user} stays {now} until another administrator confirms the change to {role}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="311"/>
        <source>Password for {user} reset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="317"/>
        <location filename="../../casedesk/ui/dialogs/users.py" line="331"/>
        <source>Disable account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="318"/>
        <source>Disable {user} ({name})? The account&apos;s key slot is removed and it can no longer sign in; a password reset brings it back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/users.py" line="334"/>
        <source>Account {user} disabled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="32"/>
        <source>entry {seq}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="34"/>
        <source>exhibit {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="36"/>
        <source>case {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="37"/>
        <source>installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="50"/>
        <source>Verify {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="50"/>
        <source>Verify the installation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="55"/>
        <source>Re-checks every custody entry&apos;s hash and signature, the log head kept outside the database, and re-hashes every exhibit in the vault against the register.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="67"/>
        <source>Where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="67"/>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="70"/>
        <source>Double-click a problem to show the entry or exhibit it is about</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="74"/>
        <source>&amp;Verify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="83"/>
        <source>Acknowledge wrong &amp;times…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="86"/>
        <source>A supervisor records which entries were dated by a wrong clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="106"/>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="120"/>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="143"/>
        <source>{entries} entries, {signatures} signatures and {exhibits} exhibits checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="146"/>
        <source>; recorded as custody entry {seq}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="172"/>
        <source>Verification cancelled; no result.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="176"/>
        <source>Verify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/verify.py" line="183"/>
        <source>Entry times acknowledged: verify again to see the result.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WithdrawDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="50"/>
        <source>Withdraw {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="50"/>
        <source>&amp;Withdraw</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="51"/>
        <source>A withdrawn exhibit leaves the register and never goes in a bundle; it stays in the vault and the custody log, and its number is never reused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="53"/>
        <source>e.g. duplicate of HF/2 produced in error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_ReasonDialog</name>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="28"/>
        <source>Recorded in the signed custody log (required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/dialogs/exhibit_state.py" line="29"/>
        <source>&amp;Reason:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../casedesk/ui/errors.py" line="30"/>
        <source>Integrity problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/errors.py" line="31"/>
        <source>Not allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/errors.py" line="32"/>
        <source>Cannot sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/errors.py" line="33"/>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/errors.py" line="67"/>
        <source>Unexpected error ({kind}), details in {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/errors.py" line="68"/>
        <source>Unexpected error ({kind}), details in the terminal output.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/errors.py" line="69"/>
        <source>Unexpected error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/errors.py" line="76"/>
        <source>{action}: {title}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>formatting</name>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="31"/>
        <location filename="../../casedesk/ui/formatting.py" line="37"/>
        <source>{n} bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="48"/>
        <source>Ingested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="49"/>
        <source>Received (hand-over)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="50"/>
        <source>Viewed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="51"/>
        <source>Extracted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="52"/>
        <source>Transferred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="53"/>
        <source>Checked out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="54"/>
        <source>Returned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="55"/>
        <source>Withdrawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="56"/>
        <source>Sensitivity changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="57"/>
        <source>Case opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="58"/>
        <source>Case closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="59"/>
        <source>Closed despite review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="60"/>
        <source>Member added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="61"/>
        <source>Member removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="62"/>
        <source>Summary edited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="63"/>
        <source>Case handed over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="64"/>
        <source>Case received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="65"/>
        <source>Reviewed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="66"/>
        <source>Note added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="67"/>
        <source>Correction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="68"/>
        <source>Other copy&apos;s entries recorded (conflict)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="69"/>
        <source>Conflict resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="70"/>
        <source>Verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="71"/>
        <source>Log exported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="72"/>
        <source>Bundle exported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="73"/>
        <source>Signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="74"/>
        <source>Failed sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="79"/>
        <source>detective</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="80"/>
        <source>supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="81"/>
        <source>admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="82"/>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="83"/>
        <source>disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="84"/>
        <source>locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="85"/>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="86"/>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="87"/>
        <source>closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../casedesk/ui/formatting.py" line="88"/>
        <source>handed over</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
