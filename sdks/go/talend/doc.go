// Talend Cloud (TMC) service accounts, workspace permissions and task runs, from any Pulumi language (pulumi-talend's provider plugin).
package talend
