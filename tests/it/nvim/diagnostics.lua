-- Neovim as iamlint's LSP client: opens $IAMLINT_FILE, starts `$IAMLINT_BIN server` with
-- the built-in client, waits for the diagnostics and writes them, one a line
-- (`LINE:COL CODE message`), to $IAMLINT_OUT; then stops the server and quits.
-- `vim.lsp.start` is Neovim 0.8+; 0.7 (Debian 12) has start_client and buf_attach_client.
local bin, file, out = vim.env.IAMLINT_BIN, vim.env.IAMLINT_FILE, vim.env.IAMLINT_OUT
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local config = { name = 'iamlint', cmd = { bin, 'server' }, root_dir = vim.fn.getcwd() }
local id
if vim.lsp.start then
  id = vim.lsp.start(config)
else
  id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, id)
end
local got = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local lines = {}
if not got then
  table.insert(lines, 'TIMEOUT: no diagnostics')
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?'
  local message = d.message:gsub('\n.*', '')
  table.insert(lines, string.format('%d:%d %s %s', d.lnum + 1, d.col + 1, code, message))
end
vim.fn.writefile(lines, out)
vim.lsp.stop_client(id)
vim.wait(10000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
vim.cmd('qall!')
